import Foundation

/// Mean multiclass log loss (cross-entropy of the true class's probability).
public struct MultiLogLoss: Metric {
    public var name: String { "mlogloss" }
    public var higherIsBetter: Bool { false }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        var sum = 0.0
        for i in labels.indices {
            let p = min(max(predictions[i * outputCount + Int(labels[i])], 1e-15), 1 - 1e-15)
            sum -= (weights?[i] ?? 1) * log(p)
        }
        return sum / labels.totalWeight(weights)
    }
}
