import Foundation
import WharfJSONText

/// A syntax error in JSON text, located by line and column (both 1-based).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var line: Int
    public var column: Int
    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Parses JSON text; numbers without a fraction or exponent that fit an Int stay exact integers.
    public init(parsing text: String) throws(JSONParseError) {
        var copy = text
        let result: Result<JSONValue, JSONParseError> = copy.withUTF8 { buf in
            var p = JSONByteParser(bytes: buf)
            do throws(JSONParseError) {
                return .success(try p.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let v): self = v
        case .failure(let e): throw e
        }
    }

    /// Parses JSON bytes (UTF-8).
    public init(parsing data: Data) throws(JSONParseError) {
        let result: Result<JSONValue, JSONParseError> = data.withUnsafeBytes { raw in
            var p = JSONByteParser(bytes: raw.bindMemory(to: UInt8.self))
            do throws(JSONParseError) {
                return .success(try p.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let v): self = v
        case .failure(let e): throw e
        }
    }
}

private let maxDepth = 512

struct JSONByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var pos = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let end = min(offset ?? pos, bytes.count)
        var line = 1
        var col = 1
        var i = 0
        while i < end {
            if bytes[i] == UInt8(ascii: "\n") {
                line += 1
                col = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                col += 1
            }
            i += 1
        }
        return JSONParseError(message: message, line: line, column: col)
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let v = try parseValue()
        skipWhitespace()
        if pos < bytes.count { throw error("unexpected text after the JSON value") }
        return v
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard pos < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(String(decoding: [bytes[pos]], as: UTF8.self))'")
        }
    }

    mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("invalid literal") }
        let w = word.utf8Start
        for i in 0..<n where bytes[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
        pos += 1
        var obj = JSONObject()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(obj)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
            pos += 1
            let v = try parseValue()
            obj[key] = v
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
            throw error("expected ',' or '}' in an object")
        }
        depth -= 1
        return .object(obj)
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
        pos += 1
        var arr: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array(arr)
        }
        while true {
            arr.append(try parseValue())
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw error("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(arr)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        do {
            // Ill-formed UTF-8 inside a string becomes U+FFFD, as String(decoding:) does elsewhere.
            let (text, end) = try JSONStringLiteral.decode(UnsafeRawBufferPointer(bytes), openingQuoteAt: pos, validatingUTF8: false)
            pos = end
            return text
        } catch {
            throw self.error(error.message, at: error.offset)
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) else {
            throw error("invalid number")
        }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) {
                throw error("leading zeros are not allowed in numbers")
            }
        } else {
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            let digitsStart = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            if pos == digitsStart { throw error("expected digits after '.'") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let digitsStart = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            if pos == digitsStart { throw error("expected digits in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw error("invalid number", at: start) }
        return .double(d)
    }
}
