import WharfStates

/// JSONPath as the States language uses it (`$.a[0]`, `$..n`, filters, slices, `$$` and variables):
/// parsed, then evaluated against the document after the NUL byte.
enum JSONPathTarget {
    static let target = FuzzTarget(name: "jsonpath", summary: "WharfStates JSONPath parse and evaluate") { buffer in
        let input = ExpressionInput(buffer)
        guard let path = try? JSONPath(input.expression) else { return }
        _ = path.isDefinite
        _ = path.evaluate(input.document)
    }
}
