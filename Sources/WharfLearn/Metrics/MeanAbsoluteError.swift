/// (Weighted) mean absolute error.
public struct MeanAbsoluteError: Metric {
    public var name: String { "mae" }
    public var higherIsBetter: Bool { false }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        var sum = 0.0
        for i in labels.indices { sum += (weights?[i] ?? 1) * abs(predictions[i] - labels[i]) }
        return sum / labels.totalWeight(weights)
    }
}
