import Foundation
import Testing
@testable import WharfStates

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderAndExactIntegers() throws {
        let v = try JSONValue(parsing: #"{"b": 1, "a": 2.5, "c": [true, null, "x"], "big": 12345678901234, "e": 1e2}"#)
        #expect(v.serialized() == #"{"b":1,"a":2.5,"c":[true,null,"x"],"big":12345678901234,"e":100}"#)
        #expect(v["big"] == .int(12345678901234))
        #expect(v["e"] == .double(100))
        if case .object(let o) = v { #expect(o.keys == ["b", "a", "c", "big", "e"]) }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONValue(parsing: #""a\"b\\c\n\u00e9\ud83d\ude00""#)
        #expect(v == .string("a\"b\\c\né😀"))
        #expect(JSONValue.string("tab\there\u{01}").serialized() == #""tab\there\u0001""#)
    }

    @Test func reportsLineAndColumnOfSyntaxErrors() {
        #expect(throws: JSONParseError(message: "expected ',' or '}' in an object", line: 2, column: 3)) {
            try JSONValue(parsing: "{\"a\": 1\n  \"b\" 2}")
        }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "[1, 2") }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "01") }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "{} x") }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "\"\\ud800\"") }
    }

    @Test func objectEqualityIgnoresOrderAndNumbersCompareByValue() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) == JSONValue(parsing: #"{"b":2.0,"a":1}"#))
        #expect(Set([JSONValue.int(1), .double(1.0), .string("1")]).count == 2)
    }

    @Test func largeObjectsUseAnIndexAndStillKeepOrder() {
        var o = JSONObject()
        for i in (0..<50).reversed() { o["k\(i)"] = .int(i) }
        o["k10"] = nil
        #expect(o.count == 49)
        #expect(o["k49"] == .int(49))
        #expect(o["k10"] == nil)
        #expect(o.keys.first == "k49")
        #expect(o.keys.last == "k0")
    }

    @Test func formatsDoublesLikeJavaScript() {
        #expect(JSONValue.double(3.0).serialized() == "3")
        #expect(JSONValue.double(0.1).serialized() == "0.1")
        #expect(JSONValue.double(1e21).serialized() == "1e+21")
        #expect(JSONValue.double(-2.5e-7).serialized() == "-2.5e-07" || JSONValue.double(-2.5e-7).serialized() == "-2.5e-7")
    }

    @Test func codableRoundTrip() throws {
        struct Envelope: Codable, Equatable { var name: String; var payload: JSONValue }
        let e = Envelope(name: "x", payload: json(#"{"a": [1, 2.5, "s", null, true], "b": {"c": {}}}"#))
        let data = try JSONEncoder().encode(e)
        #expect(try JSONDecoder().decode(Envelope.self, from: data) == e)
        #expect(try JSONValue(parsing: data)["payload"]?["a"] == json(#"[1, 2.5, "s", null, true]"#))
    }

    @Test func rejectsNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }
}
