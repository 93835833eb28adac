import Foundation
import WharfStates

/// Splits an input into an expression (up to the first NUL byte) and the JSON document it is
/// evaluated against (the rest; a fixed document when the rest is not JSON).
struct ExpressionInput {
    let expression: String
    let document: JSONValue

    static let fallback: JSONValue = (try? JSONValue(parsing: """
        {"a": 1, "b": "text", "c": [1, 2.5, "x", null, true, {"d": [3, 4]}], "items": [{"n": 1, "s": "a"}, {"n": 2, "s": "b"}],
         "nested": {"deep": {"deeper": [[1, 2], [3]]}}, "empty": {}, "list": [], "big": 9007199254740993, "neg": -0.5}
        """)) ?? .null

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        var input = FuzzInput(buffer)
        expression = input.field(until: 0).text
        let rest = input.rest
        document = rest.isEmpty ? Self.fallback : ((try? JSONValue(parsing: Data(rest))) ?? Self.fallback)
    }
}
