import Foundation

/// Mean binary log loss with probabilities clipped to [1e-15, 1 - 1e-15].
public struct LogLoss: Metric {
    public var name: String { "logloss" }
    public var higherIsBetter: Bool { false }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        var sum = 0.0
        for i in labels.indices {
            let p = min(max(predictions[i], 1e-15), 1 - 1e-15)
            let w = weights?[i] ?? 1
            sum -= w * (labels[i] > 0.5 ? log(p) : log(1 - p))
        }
        return sum / labels.totalWeight(weights)
    }
}
