import Foundation
@testable import WharfStates

/// Intrinsic functions (`States.Format(...)`, `States.ArrayPartition(...)`, nested calls): parsed,
/// then evaluated with `$` the document after the NUL byte.
enum IntrinsicTarget {
    static let target = FuzzTarget(name: "intrinsic", summary: "WharfStates intrinsic functions parse and evaluate") { buffer in
        let input = ExpressionInput(buffer)
        guard let call = try? IntrinsicCall(parsing: input.expression) else { return }
        let scope = PathScope(
            input: input.document, context: .object(JSONObject([("Execution", .object(JSONObject([("Id", .string("arn:x"))])))])),
            variables: Variables(["v": input.document]), random: SeededRandom(seed: 7), stateName: "Fuzz",
            now: Date(timeIntervalSince1970: 1_700_000_000))
        _ = try? call.evaluate(in: scope, field: "Parameters")
    }
}
