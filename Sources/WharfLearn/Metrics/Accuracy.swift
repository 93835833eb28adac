/// Share of rows classified correctly: probability >= threshold for binary, arg-max class for multiclass.
public struct Accuracy: Metric {
    public var threshold: Double
    public var name: String { "accuracy" }
    public var higherIsBetter: Bool { true }
    public init(threshold: Double = 0.5) { self.threshold = threshold }

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        var correct = 0.0
        for i in labels.indices {
            let predicted: Double
            if outputCount == 1 {
                predicted = predictions[i] >= threshold ? 1 : 0
            } else {
                var best = 0
                for k in 1..<outputCount where predictions[i * outputCount + k] > predictions[i * outputCount + best] { best = k }
                predicted = Double(best)
            }
            if predicted == labels[i] { correct += weights?[i] ?? 1 }
        }
        return correct / labels.totalWeight(weights)
    }
}
