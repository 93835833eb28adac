import Foundation
import Testing
@testable import WharfStates

@Suite struct JSONPathTests {
    let doc = json(#"""
    {"store": {"book": [
        {"title": "A", "price": 8, "tags": ["x"]},
        {"title": "B", "price": 12},
        {"title": "C", "price": 5, "isbn": "123"}
    ]}, "name with space": 1, "n": {"a": {"b": 2}}}
    """#)

    func eval(_ p: String) throws -> JSONValue? { try JSONPath(p).evaluate(doc) }

    @Test func definitePaths() throws {
        #expect(try eval("$") == doc)
        #expect(try eval("$.n.a.b") == 2)
        #expect(try eval("$['name with space']") == 1)
        #expect(try eval("$.store.book[1].title") == "B")
        #expect(try eval("$.store.book[-1].title") == "C")
        #expect(try eval("$.missing") == nil)
        #expect(try eval("$.store.book[9]") == nil)
        #expect(try JSONPath("$.n.a").isReferencePath)
    }

    @Test func indefinitePathsReturnArrays() throws {
        #expect(try eval("$.store.book[*].title") == ["A", "B", "C"])
        #expect(try eval("$..price") == [8, 12, 5])
        #expect(try eval("$.store.book[0:2].title") == ["A", "B"])
        #expect(try eval("$.store.book[?(@.price < 10)].title") == ["A", "C"])
        #expect(try eval("$.store.book[?(@.isbn)].title") == ["C"])
        #expect(try eval("$.store.book[?(@.price > 6 && @.price < 10)].title") == ["A"])
        #expect(try eval("$.store.book[?(@.title == 'B')].price") == [12])
        #expect(try eval("$.store.book[0,2].title") == ["A", "C"])
        #expect(try eval("$.nothing[*]") == [])
        #expect(try !JSONPath("$.a[*]").isReferencePath)
    }

    @Test func contextAndVariableRoots() throws {
        #expect(try JSONPath("$$.Execution.Id").root == .context)
        #expect(try JSONPath("$myVar.x").root == .variable("myVar"))
    }

    @Test func rejectsMalformedPaths() {
        for bad in ["a.b", "$.", "$[", "$.a[?(x)]", "$.a]", "$['a'", "$.a[1:2:x]"] {
            #expect(throws: PathSyntaxError.self, "\(bad)") { try JSONPath(bad) }
        }
    }

    @Test func writesAtAReferencePath() throws {
        let p = try JSONPath("$.a.b")
        #expect(p.write(1, into: json(#"{"x": 0}"#)) == json(#"{"x": 0, "a": {"b": 1}}"#))
        #expect(p.write(1, into: json(#"{"a": {"c": 2}}"#)) == json(#"{"a": {"c": 2, "b": 1}}"#))
        #expect(p.write(1, into: json(#"{"a": "scalar"}"#)) == nil)
        #expect(try JSONPath("$.list[1]").write("z", into: json(#"{"list": [1, 2]}"#)) == json(#"{"list": [1, "z"]}"#))
    }
}
