import NIOCore
import WharfJSONText
import WharfPlatform

/// A JSON request body as plain Swift values. MLflow clients send 1,000-value log-batch bodies many times a
/// second; Foundation's parser turned each number into an NSNumber through a Decimal and every object into a
/// bridged dictionary, which cost more than storing the values. Integers that fit in Int64 stay exact.
enum RequestJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([RequestJSON])
    case object(RequestJSONObject)

    /// Parses a whole body; a syntax error names the byte offset where the text stopped being JSON.
    static func parse(_ buffer: ByteBuffer) throws -> RequestJSON {
        try buffer.withUnsafeReadableBytes { bytes in
            var parser = RequestJSONParser(bytes: bytes)
            return try parser.parseDocument()
        }
    }
}

/// A JSON object's fields in body order. Request objects have a handful of fields, so a linear scan beats
/// hashing; as with most JSON parsers, the last of repeated keys wins.
struct RequestJSONObject: Sendable, Equatable {
    var fields: [(key: String, value: RequestJSON)]

    init(fields: [(key: String, value: RequestJSON)] = []) {
        self.fields = fields
    }

    subscript(key: String) -> RequestJSON? {
        var i = fields.count
        while i > 0 {
            i -= 1
            if fields[i].key == key { return fields[i].value }
        }
        return nil
    }

    static func == (a: RequestJSONObject, b: RequestJSONObject) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// A recursive-descent parser over the body's bytes (RFC 8259), with a nesting limit so a hostile body
/// cannot exhaust the stack.
struct RequestJSONParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    var depth = 0
    static let maxDepth = 256

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws -> RequestJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
        return value
    }

    func error(_ message: String) -> WharfError {
        WharfError.invalid("body", "the body is not valid JSON: \(message) at byte \(index)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws -> RequestJSON {
        guard index < bytes.count else { throw error("unexpected end of the body") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of the body") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] {
            throw error("unknown literal")
        }
        index += count
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
    }

    mutating func parseObject() throws -> RequestJSONObject {
        try enter()
        defer { depth -= 1 }
        index += 1
        var object = RequestJSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return object
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted field name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after a field name") }
            index += 1
            skipWhitespace()
            object.fields.append((key, try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return object }
            throw error("expected ',' or '}' in an object")
        }
    }

    mutating func parseArray() throws -> [RequestJSON] {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [RequestJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return items
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return items }
            throw error("expected ',' or ']' in an array")
        }
    }

    /// Reads a string whose opening quote is at `index`.
    mutating func parseString() throws -> String {
        do {
            let (text, end) = try JSONStringLiteral.decode(bytes, openingQuoteAt: index)
            index = end
            return text
        } catch {
            index = error.offset
            throw self.error(error.message)
        }
    }

    /// Integers that fit in Int64 are accumulated exactly; anything else goes through the standard library's
    /// correctly rounded decimal conversion.
    mutating func parseNumber() throws -> RequestJSON {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = sum
            index += 1
        }
        guard index > digitsStart else { throw error("expected digits") }
        guard bytes[digitsStart] != UInt8(ascii: "0") || index == digitsStart + 1 else { throw error("leading zero in a number") }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > fractionStart else { throw error("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponentStart = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            guard index > exponentStart else { throw error("expected digits in the exponent") }
        }
        if integral, !overflow {
            if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            if negative, magnitude <= UInt64(Int64.max) + 1 { return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)) }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw error("unreadable number") }
        return .double(value)
    }
}
