import Foundation
import NIOCore
import Testing
import WharfPlatform
@testable import WharfServer

/// The MLflow face's JSON body parser: every JSON form clients send, exact integers, and clear errors.
@Suite struct RequestJSONTests {
    func parse(_ text: String) throws -> RequestJSON {
        try RequestJSON.parse(ByteBuffer(string: text))
    }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#" {"a": [1, -2, 0.5, -1.25e-3, 1E2, true, false, null, "x"], "b": {}, "c": [] } "#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object["a"] == .array([.integer(1), .integer(-2), .double(0.5), .double(-0.00125), .double(100), .bool(true), .bool(false), .null, .string("x")]))
        #expect(object["b"] == .object(RequestJSONObject()))
        #expect(object["c"] == .array([]))
        #expect(object["missing"] == nil)
    }

    @Test func integersStayExactAndDoublesRoundTrip() throws {
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("-9223372036854775808") == .integer(.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("1700000000123") == .integer(1_700_000_000_123))
        for value in [0.1 + 0.2, 5e-324, -1.7976931348623157e308, 0.8444218515250481, 1e-300] {
            #expect(try parse("\(value)") == .double(value))
        }
    }

    @Test func stringsDecodeEscapesAndUnicode() throws {
        #expect(try parse(#""plain""#) == .string("plain"))
        #expect(try parse(#""a\"b\\c\/d\n\t\r\b\f""#) == .string("a\"b\\c/d\n\t\r\u{08}\u{0C}"))
        #expect(try parse(#""\u00e9t\u00C9 \ud83d\ude00""#) == .string("étÉ 😀"))
        #expect(try parse("\"train/loss ü\"") == .string("train/loss ü"))
    }

    @Test func lastRepeatedFieldWins() throws {
        guard case .object(let object) = try parse(#"{"k": 1, "k": 2}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(object["k"] == .integer(2))
    }

    @Test func malformedBodiesNameTheByte() throws {
        let cases: [(String, String)] = [
            (#"{"a": 1,}"#, "byte 8"),
            (#"{"a" 1}"#, "byte 5"),
            (#"[1, 2"#, "unterminated array"),
            (#""abc"#, "unterminated string"),
            (#"{"a": tru}"#, "unknown literal"),
            (#"01"#, "leading zero"),
            (#"1."#, "digits after '.'"),
            (#"-"#, "expected digits"),
            (#"{"a": "\x"}"#, "unknown escape"),
            (#""\ud83d""#, "unpaired surrogate"),
            ("\"a\u{01}\"", "control character"),
            (#"{} {}"#, "after the JSON value"),
            ("", "unexpected end"),
            (String(repeating: "[", count: 300) + String(repeating: "]", count: 300), "nested deeper"),
        ]
        for (text, expected) in cases {
            #expect {
                _ = try parse(text)
            } throws: { error in
                guard let error = error as? WharfError else { return false }
                return error.field == "body" && error.message.contains(expected)
            }
        }
        var invalid = ByteBuffer(string: "\"")
        invalid.writeBytes([0xFF, 0xFE])
        invalid.writeString("\"")
        #expect(throws: WharfError.self) { _ = try RequestJSON.parse(invalid) }
    }

    @Test func agreesWithFoundationOnAGeneratedBatch() throws {
        var rng = SystemRandomNumberGenerator()
        let metrics = (0..<500).map { i -> [String: Any] in
            ["key": "m\(i % 7)/x", "value": Double.random(in: -1e6...1e6, using: &rng), "timestamp": 1_700_000_000_000 + i, "step": i]
        }
        let data = try JSONSerialization.data(withJSONObject: ["run_id": "abc", "metrics": metrics])
        guard case .object(let object) = try RequestJSON.parse(ByteBuffer(data: data)), case .array(let parsed)? = object["metrics"] else {
            Issue.record("not an object with metrics")
            return
        }
        #expect(parsed.count == 500)
        for (item, original) in zip(parsed, metrics) {
            guard case .object(let metric) = item else {
                Issue.record("not an object")
                continue
            }
            #expect(metric["key"] == .string(original["key"] as! String))
            #expect(metric["value"] == .double(original["value"] as! Double))
            #expect(metric["step"] == .integer(Int64(original["step"] as! Int)))
        }
    }
}
