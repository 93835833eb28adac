/// Share of rows misclassified at a probability threshold (binary `error`).
public struct ClassificationError: Metric {
    public var threshold: Double
    public var name: String { "error" }
    public var higherIsBetter: Bool { false }
    public init(threshold: Double = 0.5) { self.threshold = threshold }

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        1 - Accuracy(threshold: threshold).evaluate(predictions: predictions, outputCount: outputCount, labels: labels, weights: weights)
    }
}
