/// Binary confusion matrix at a threshold, with precision, recall and F1.
public struct ConfusionMatrix: Equatable, Sendable {
    public var truePositives = 0.0, falsePositives = 0.0, trueNegatives = 0.0, falseNegatives = 0.0

    public init(probabilities: [Double], labels: [Double], weights: [Double]? = nil, threshold: Double = 0.5) {
        for i in labels.indices {
            let w = weights?[i] ?? 1
            switch (probabilities[i] >= threshold, labels[i] > 0.5) {
            case (true, true): truePositives += w
            case (true, false): falsePositives += w
            case (false, false): trueNegatives += w
            case (false, true): falseNegatives += w
            }
        }
    }

    public var precision: Double { truePositives + falsePositives > 0 ? truePositives / (truePositives + falsePositives) : 0 }
    public var recall: Double { truePositives + falseNegatives > 0 ? truePositives / (truePositives + falseNegatives) : 0 }
    public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
    public var accuracy: Double {
        let total = truePositives + falsePositives + trueNegatives + falseNegatives
        return total > 0 ? (truePositives + trueNegatives) / total : 0
    }
}
