/// Root of the (weighted) mean squared error.
public struct RootMeanSquaredError: Metric {
    public var name: String { "rmse" }
    public var higherIsBetter: Bool { false }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        var sum = 0.0
        for i in labels.indices {
            let d = predictions[i] - labels[i]
            sum += (weights?[i] ?? 1) * d * d
        }
        return (sum / labels.totalWeight(weights)).squareRoot()
    }
}
