import Foundation
import WharfStates

/// JSONata expressions as States `{% ... %}` fields hold them: parsed, then evaluated with a fixed
/// clock and seeded randomness against the document after the NUL byte.
enum JSONataTarget {
    static let target = FuzzTarget(name: "jsonata", summary: "WharfStates JSONata parse and evaluate") { buffer in
        let input = ExpressionInput(buffer)
        guard let expression = try? JSONataExpression(input.expression) else { return }
        let environment = JSONataEnvironment(random: SeededRandom(seed: 7), now: Date(timeIntervalSince1970: 1_700_000_000))
        _ = try? expression.evaluate(input: input.document, bindings: ["states": .object(JSONObject([("input", input.document)]))],
                                     environment: environment)
    }
}
