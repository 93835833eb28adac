/// Share of rows whose arg-max class is wrong (`merror`).
public struct MultiClassError: Metric {
    public var name: String { "merror" }
    public var higherIsBetter: Bool { false }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        1 - Accuracy().evaluate(predictions: predictions, outputCount: outputCount, labels: labels, weights: weights)
    }
}
