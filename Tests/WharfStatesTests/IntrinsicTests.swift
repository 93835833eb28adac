import Foundation
import Testing
@testable import WharfStates

@Suite struct IntrinsicTests {
    func call(_ text: String, _ input: JSONValue = .emptyObject) throws -> JSONValue {
        let c = try IntrinsicCall(parsing: text)
        let scope = PathScope(input: input, context: ["Execution": ["Name": "e1"]], variables: Variables(["v": 7]),
                              random: SeededRandom(seed: 1), stateName: "S", now: Date(timeIntervalSince1970: 0))
        return try c.evaluate(in: scope, field: "x.$")
    }

    func failure(_ text: String, _ input: JSONValue = .emptyObject) -> StatesError? {
        do {
            _ = try call(text, input)
            return nil
        } catch let e as StatesError {
            return e
        } catch {
            return nil
        }
    }

    @Test func format() throws {
        #expect(try call("States.Format('Hello, {}! You are {} ({}).', $.name, $.age, $.ok)", ["name": "Ann", "age": 30, "ok": true])
            == "Hello, Ann! You are 30 (true).")
        #expect(try call(#"States.Format('a \{literal\} {}', $$.Execution.Name)"#) == "a {literal} e1")
        #expect(try call("States.Format('{}', $v)") == "7")
        #expect(try call(#"States.Format('path c:\\dir \'{}\'', 'x')"#) == "path c:\\dir 'x'")
        #expect(try call(#"States.StringSplit('a\{b', '{')"#) == json(#"["a", "b"]"#))
        #expect(failure("States.Format('{} {}', 'one')")?.error == "States.IntrinsicFailure")
        #expect(failure("States.Format('{}', $.o)", ["o": ["a": 1]])?.error == "States.IntrinsicFailure")
    }

    @Test func jsonConversions() throws {
        #expect(try call("States.StringToJson($.s)", ["s": #"{"a":[1,2]}"#]) == json(#"{"a":[1,2]}"#))
        #expect(try call("States.JsonToString($.o)", ["o": ["b": 1, "a": [true]]]) == #"{"b":1,"a":[true]}"#)
        #expect(failure("States.StringToJson('{bad')")?.error == "States.IntrinsicFailure")
    }

    @Test func arrays() throws {
        #expect(try call("States.Array('a', 1, $.x, null)", ["x": ["k": 1]]) == json(#"["a",1,{"k":1},null]"#))
        #expect(try call("States.ArrayPartition($.a, 2)", ["a": [1, 2, 3, 4, 5]]) == json("[[1,2],[3,4],[5]]"))
        #expect(try call("States.ArrayContains($.a, 3)", ["a": [1, 2, 3]]) == true)
        #expect(try call("States.ArrayContains($.a, 9)", ["a": [1, 2, 3]]) == false)
        #expect(try call("States.ArrayRange(1, 9, 2)") == json("[1,3,5,7,9]"))
        #expect(try call("States.ArrayRange(5, 1, -2)") == json("[5,3,1]"))
        #expect(try call("States.ArrayGetItem($.a, 1)", ["a": ["x", "y"]]) == "y")
        #expect(try call("States.ArrayLength($.a)", ["a": [1, 2, 3]]) == 3)
        #expect(try call("States.ArrayUnique($.a)", ["a": [1, 2, 1, "1", ["k": 1], ["k": 1]]]) == json(#"[1,2,"1",{"k":1}]"#))
        #expect(failure("States.ArrayPartition($.a, 0)", ["a": [1]])?.error == "States.IntrinsicFailure")
        #expect(failure("States.ArrayRange(1, 2000, 1)")?.error == "States.IntrinsicFailure")
        #expect(failure("States.ArrayRange(1, 5, 0)")?.error == "States.IntrinsicFailure")
        #expect(failure("States.ArrayGetItem($.a, 5)", ["a": [1]])?.error == "States.IntrinsicFailure")
        #expect(failure("States.ArrayLength($.a)", ["a": "no"])?.error == "States.IntrinsicFailure")
    }

    @Test func base64() throws {
        #expect(try call("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU=")
        #expect(try call("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode")
        #expect(failure("States.Base64Decode('***')")?.error == "States.IntrinsicFailure")
    }

    @Test func hashes() throws {
        #expect(try call("States.Hash('input data', 'MD5')") == "812f45842bc6d66ee14572ce20db8e86")
        #expect(try call("States.Hash('abc', 'SHA-1')") == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(try call("States.Hash('abc', 'SHA-256')") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try call("States.Hash('abc', 'SHA-384')").stringValue?.hasPrefix("cb00753f45a35e8bb5a03d699ac65007") == true)
        #expect(try call("States.Hash('abc', 'SHA-512')").stringValue?.hasPrefix("ddaf35a193617abacc417349ae204131") == true)
        #expect(failure("States.Hash('abc', 'SHA-3')")?.error == "States.IntrinsicFailure")
    }

    @Test func jsonMerge() throws {
        #expect(try call("States.JsonMerge($.a, $.b, false)", ["a": ["x": 1, "y": ["p": 1]], "b": ["y": ["q": 2], "z": 3]])
            == json(#"{"x":1,"y":{"q":2},"z":3}"#))
        #expect(failure("States.JsonMerge($.a, $.a, true)", ["a": [:]])?.error == "States.IntrinsicFailure")
    }

    @Test func math() throws {
        let r = try call("States.MathRandom(1, 10)")
        #expect((1..<10).contains(r.intValue ?? -1))
        #expect(try call("States.MathRandom(1, 1000, 7)") == call("States.MathRandom(1, 1000, 7)"))
        #expect(try call("States.MathAdd($.n, -3)", ["n": 10]) == 7)
        #expect(try call("States.MathAdd(1.5, 1)") == .double(2.5))
        #expect(failure("States.MathAdd('a', 1)")?.error == "States.IntrinsicFailure")
        #expect(failure("States.MathRandom(5, 1)")?.error == "States.IntrinsicFailure")
    }

    @Test func stringsAndUUID() throws {
        #expect(try call("States.StringSplit('1,2, 3', ', ')") == json(#"["1","2","3"]"#))
        let u = try call("States.UUID()").stringValue ?? ""
        #expect(u.count == 36)
        #expect(Array(u)[14] == "4")
    }

    @Test func nestedCalls() throws {
        #expect(try call("States.ArrayLength(States.StringSplit(States.Format('{}-{}', 'a', 'b'), '-'))") == 2)
    }

    @Test func parseErrorsNameTheProblem() {
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.Nope(1)") }
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.ArrayLength()") }
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.UUID(1)") }
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.Format('x'") }
        #expect(throws: PathSyntaxError.self) { try IntrinsicCall(parsing: "States.Format('unterminated)") }
    }

    @Test func missingPathArgumentIsARuntimeError() {
        let e = failure("States.Format('{}', $.missing)")
        #expect(e?.error == "States.Runtime")
        #expect(e?.cause?.contains("'$.missing'") == true)
    }
}
