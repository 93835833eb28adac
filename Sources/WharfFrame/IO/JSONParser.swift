import WharfJSONText

/// A parsed JSON value keeping object key order (records become columns in the order keys first appear).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Compact JSON text.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Value.double(d).jsonText
        case .string(let s): return JSONText.quote(s)
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { JSONText.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }
}

/// A strict JSON parser over UTF-8 bytes (RFC 8259), reporting the byte offset of what it did not expect.
struct JSONParser {
    struct Failure: Error {
        var message: String
        var offset: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var pos: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, at pos: Int = 0) {
        self.bytes = bytes
        self.pos = pos
    }

    /// Most tokens are not preceded by whitespace, or by one space: those cost one or two compares here.
    @inline(__always) mutating func skipSpace() {
        if pos < bytes.count {
            let c = bytes[pos]
            if c > 32 { return }
            if c == 32, pos + 1 < bytes.count, bytes[pos + 1] > 32 { pos += 1; return }
        }
        skipSpaceRun()
    }

    mutating func skipSpaceRun() {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == 32 || c == 9 || c == 10 || c == 13 { pos += 1 } else { break }
        }
    }

    func fail(_ what: String) -> Failure { Failure(message: what, offset: pos) }

    mutating func value(depth: Int = 0) throws(Failure) -> JSONValue {
        guard depth < 512 else { throw fail("nesting deeper than 512 levels") }
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end of input, expected a value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 34 else { throw fail("expected a quoted key") }
                let key = try string()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
                pos += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end of input inside an object") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                throw fail("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw fail("unexpected end of input inside an array") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail("expected ',' or ']' in an array")
            }
        case 34:
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .double(.nan)  // pandas writes NaN in JSON Lines
        default:
            return try number()
        }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw fail("unexpected end of input") }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { throw fail("unexpected character") }
        pos += n
    }

    mutating func number() throws(Failure) -> JSONValue {
        let start = pos
        var isInt = true
        if pos < bytes.count, bytes[pos] == 45 { pos += 1 }
        while pos < bytes.count {
            let c = bytes[pos]
            if c >= 48 && c <= 57 { pos += 1; continue }
            if c == 46 || c == 101 || c == 69 || c == 43 || c == 45 { isInt = false; pos += 1; continue }
            break
        }
        let n = pos - start
        guard n > 0 else { throw fail("unexpected character, expected a value") }
        let p = bytes.baseAddress! + start
        if isInt, let i = NumberParsing.int64(p, n) { return .int(i) }
        if let d = NumberParsing.double(p, n) { return .double(d) }
        pos = start
        throw fail("malformed number")
    }

    /// The string literal at `pos` (its opening quote), through the decoder every Wharf JSON reader shares,
    /// so escapes and surrogate pairs behave as everywhere else; ill-formed UTF-8 becomes U+FFFD as before.
    mutating func string() throws(Failure) -> String {
        do throws(JSONStringError) {
            let (text, end) = try JSONStringLiteral.decode(UnsafeRawBufferPointer(bytes), openingQuoteAt: pos, validatingUTF8: false)
            pos = end
            return text
        } catch {
            pos = error.offset
            throw fail(error.message)
        }
    }

    /// Parses one complete JSON text.
    static func parse(_ text: String) throws(FrameError) -> JSONValue {
        var s = text
        let result: Result<JSONValue, Failure> = s.withUTF8 { b in
            var p = JSONParser(b)
            do throws(Failure) {
                let v = try p.value()
                p.skipSpace()
                guard p.pos == b.count else { throw p.fail("text after the JSON value") }
                return .success(v)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let v): return v
        case .failure(let e): throw FrameError(.badJSON, "\(e.message) at byte \(e.offset)")
        }
    }
}
