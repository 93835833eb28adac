/// Area under the precision-recall curve as average precision (scikit-learn's step definition).
public struct AveragePrecision: Metric {
    public var name: String { "aucpr" }
    public var higherIsBetter: Bool { true }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        let points = Curves.precisionRecall(scores: predictions, labels: labels, weights: weights)
        var ap = 0.0, previousRecall = 0.0
        for p in points {
            ap += (p.recall - previousRecall) * p.precision
            previousRecall = p.recall
        }
        return ap
    }
}
