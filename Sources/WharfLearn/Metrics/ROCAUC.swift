/// Area under the ROC curve (binary; ties counted as half), computed by one sort.
public struct ROCAUC: Metric {
    public var name: String { "auc" }
    public var higherIsBetter: Bool { true }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        Self.auc(scores: predictions, labels: labels, weights: weights)
    }

    public static func auc(scores: [Double], labels: [Double], weights: [Double]? = nil) -> Double {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0.0, fp = 0.0, area = 0.0
        var i = 0
        while i < order.count {
            var groupTP = 0.0, groupFP = 0.0
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                let r = order[i]
                let w = weights?[r] ?? 1
                if labels[r] > 0.5 { groupTP += w } else { groupFP += w }
                i += 1
            }
            area += groupFP * (tp + groupTP / 2)
            tp += groupTP
            fp += groupFP
        }
        guard tp > 0, fp > 0 else { return .nan }
        return area / (tp * fp)
    }
}
