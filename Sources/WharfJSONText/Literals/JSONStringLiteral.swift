/// What is wrong with a JSON string literal, and the byte offset at which it was found.
public struct JSONStringError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case unterminated
        case controlCharacter
        case unknownEscape(UInt8)
        case shortUnicodeEscape
        case badHexDigit
        case unpairedSurrogate
        case invalidUTF8
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// A sentence naming the problem, without the offset (callers say where in their own words).
    public var message: String {
        switch reason {
        case .unterminated: "unterminated string"
        case .controlCharacter: "control character in a string"
        case .unknownEscape(let byte): "unknown escape '\\\(Character(Unicode.Scalar(byte)))'"
        case .shortUnicodeEscape: "short \\u escape"
        case .badHexDigit: "bad hex digit in a \\u escape"
        case .unpairedSurrogate: "unpaired surrogate in a \\u escape"
        case .invalidUTF8: "a string is not valid UTF-8"
        }
    }
}

/// Decoding of JSON string literals (RFC 8259 section 7), shared by every hand-written JSON reader in
/// Wharf so escapes, surrogate pairs and UTF-8 checks behave the same everywhere.
public enum JSONStringLiteral {
    /// Decodes the string literal whose opening quote is at `quote` and returns its text and the
    /// offset just past its closing quote. Literals without escapes, almost all of them, are decoded
    /// straight from `bytes`. With `validatingUTF8` false, ill-formed UTF-8 becomes U+FFFD instead of
    /// an error.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, openingQuoteAt quote: Int, validatingUTF8: Bool = true
    ) throws(JSONStringError) -> (text: String, end: Int) {
        let start = quote + 1
        var index = start
        var highBits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                // ASCII needs no validation (the validating initializer costs more than a whole parse).
                return (try text(content, checked: highBits >= 0x80 && validatingUTF8, at: start), index + 1)
            }
            if byte == UInt8(ascii: "\\") { return try decodeEscaped(bytes, start: start, from: index, validatingUTF8: validatingUTF8) }
            guard byte >= 0x20 else { throw JSONStringError(.controlCharacter, at: index) }
            highBits |= byte
            index += 1
        }
        throw JSONStringError(.unterminated, at: quote)
    }

    private static func text(_ content: UnsafeRawBufferPointer, checked: Bool, at offset: Int) throws(JSONStringError) -> String {
        guard checked else { return String(decoding: content, as: UTF8.self) }
        guard let text = String(validating: content, as: UTF8.self) else { throw JSONStringError(.invalidUTF8, at: offset) }
        return text
    }

    /// The slow path, from the first backslash at `escapeAt` on.
    private static func decodeEscaped(
        _ bytes: UnsafeRawBufferPointer, start: Int, from escapeAt: Int, validatingUTF8: Bool
    ) throws(JSONStringError) -> (text: String, end: Int) {
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<escapeAt]))
        var index = escapeAt
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard validatingUTF8 else { return (String(decoding: out, as: UTF8.self), index) }
                guard let text = String(validating: out, as: UTF8.self) else { throw JSONStringError(.invalidUTF8, at: start) }
                return (text, index)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw JSONStringError(.unterminated, at: start - 1) }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = index - 2
                    var scalar = try hex4(bytes, &index)
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw JSONStringError(.unpairedSurrogate, at: escapeStart)
                        }
                        index += 2
                        let low = try hex4(bytes, &index)
                        guard (0xDC00..<0xE000).contains(low) else { throw JSONStringError(.unpairedSurrogate, at: escapeStart) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw JSONStringError(.unpairedSurrogate, at: escapeStart) }
                    appendUTF8(unicode, to: &out)
                default:
                    throw JSONStringError(.unknownEscape(escape), at: index - 2)
                }
            default:
                guard byte >= 0x20 else { throw JSONStringError(.controlCharacter, at: index - 1) }
                out.append(byte)
            }
        }
        throw JSONStringError(.unterminated, at: start - 1)
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) throws(JSONStringError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONStringError(.shortUnicodeEscape, at: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw JSONStringError(.badHexDigit, at: index)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            out.append(UInt8(value))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (value >> 6)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (value >> 12)))
            out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (value >> 18)))
            out.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
}
