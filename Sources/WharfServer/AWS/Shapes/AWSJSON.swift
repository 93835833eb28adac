import Foundation
import WharfJSONText

/// JSON bodies of the awsJson and restJson1 protocols, read into and written from `AWSValue`.
enum AWSJSON {
    /// Deeper nesting than any AWS shape has is refused rather than recursed into.
    static let maximumDepth = 64

    /// Parses one JSON document; an empty body is an empty structure, as AWS services take it.
    static func parse(_ bytes: [UInt8]) throws(AWSShapeError) -> AWSValue {
        let result = bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<AWSValue, AWSShapeError> in
            var reader = Reader(bytes: raw)
            reader.skipSpace()
            if reader.index == raw.count { return .success(.structure([])) }
            do throws(AWSShapeError) {
                let value = try reader.value(depth: 0)
                reader.skipSpace()
                guard reader.index == raw.count else { throw reader.failure("unexpected bytes after the JSON document") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func failure(_ what: String) -> AWSShapeError {
            .malformed("the request body is not valid JSON: \(what) at byte \(index)")
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(AWSShapeError) -> AWSValue {
            guard depth < AWSJSON.maximumDepth else { throw failure("nesting deeper than \(AWSJSON.maximumDepth) levels") }
            skipSpace()
            guard index < bytes.count else { throw failure("the document ends early") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(String, AWSValue)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .structure(members)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
                    let name = try string()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                    index += 1
                    let member = try value(depth: depth + 1)
                    if let existing = members.firstIndex(where: { $0.0 == name }) {
                        members[existing].1 = member
                    } else {
                        members.append((name, member))
                    }
                    skipSpace()
                    guard index < bytes.count else { throw failure("the document ends inside an object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .structure(members) }
                    throw failure("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [AWSValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .list(items)
                }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw failure("the document ends inside an array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .list(items) }
                    throw failure("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default:
                return try number()
            }
        }

        mutating func string() throws(AWSShapeError) -> String {
            do {
                let (text, end) = try JSONStringLiteral.decode(bytes, openingQuoteAt: index)
                index = end
                return text
            } catch {
                index = error.offset
                throw failure(error.message)
            }
        }

        mutating func literal(_ word: StaticString, _ value: AWSValue) throws(AWSShapeError) -> AWSValue {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw failure("unknown literal") }
            for k in 0..<count where bytes[index + k] != word.utf8Start[k] { throw failure("unknown literal") }
            index += count
            return value
        }

        mutating func number() throws(AWSShapeError) -> AWSValue {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits(_ reader: inout Reader) -> Int {
                let from = reader.index
                while reader.index < reader.bytes.count, reader.bytes[reader.index] >= 0x30, reader.bytes[reader.index] <= 0x39 { reader.index += 1 }
                return reader.index - from
            }
            guard digits(&self) > 0 else { throw failure("unexpected character") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw failure("a number has no digits after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw failure("a number has no exponent digits") }
            }
            return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
    }

    /// Writes a value; timestamps as epoch seconds and blobs as base64, as both JSON protocols do.
    static func write(_ value: AWSValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): writeString(text, into: &out)
        case .blob(let data): writeString(data.base64EncodedString(), into: &out)
        case .timestamp(let date): out.append(contentsOf: AWSTimestamp.epochSeconds(date).utf8)
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .structure(let members):
            out.append(UInt8(ascii: "{"))
            for (k, member) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.0, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.1, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func bytes(_ value: AWSValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// The same members in name order at every level: what fingerprints and listing bindings hash.
    static func canonical(_ value: AWSValue) -> AWSValue {
        switch value {
        case .list(let items): .list(items.map(canonical))
        case .structure(let members): .structure(members.map { ($0.0, canonical($0.1)) }.sorted { $0.0 < $1.0 })
        default: value
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
