/// ROC, precision-recall and calibration curve points for binary scores.
public enum Curves {
    /// One ROC point per distinct threshold, from (0, 0) to (1, 1).
    public struct ROCPoint: Equatable, Sendable { public var threshold, falsePositiveRate, truePositiveRate: Double }
    /// One precision-recall point per distinct threshold, by decreasing threshold.
    public struct PRPoint: Equatable, Sendable { public var threshold, recall, precision: Double }
    /// Mean predicted probability against observed positive rate in one bin.
    public struct CalibrationBin: Equatable, Sendable { public var meanPredicted, observedRate: Double; public var count: Int }

    private static func cumulative(scores: [Double], labels: [Double], weights: [Double]?) -> [(threshold: Double, tp: Double, fp: Double)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var result = [(threshold: Double, tp: Double, fp: Double)]()
        var tp = 0.0, fp = 0.0, i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                let r = order[i]
                if labels[r] > 0.5 { tp += weights?[r] ?? 1 } else { fp += weights?[r] ?? 1 }
                i += 1
            }
            result.append((s, tp, fp))
        }
        return result
    }

    public static func roc(scores: [Double], labels: [Double], weights: [Double]? = nil) -> [ROCPoint] {
        let steps = cumulative(scores: scores, labels: labels, weights: weights)
        guard let last = steps.last, last.tp > 0, last.fp > 0 else { return [] }
        return [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
            + steps.map { ROCPoint(threshold: $0.threshold, falsePositiveRate: $0.fp / last.fp, truePositiveRate: $0.tp / last.tp) }
    }

    public static func precisionRecall(scores: [Double], labels: [Double], weights: [Double]? = nil) -> [PRPoint] {
        let steps = cumulative(scores: scores, labels: labels, weights: weights)
        guard let last = steps.last, last.tp > 0 else { return [] }
        return steps.map { PRPoint(threshold: $0.threshold, recall: $0.tp / last.tp, precision: $0.tp / ($0.tp + $0.fp)) }
    }

    /// Equal-width probability bins (empty bins left out).
    public static func calibration(probabilities: [Double], labels: [Double], bins: Int = 10) -> [CalibrationBin] {
        var sums = [Double](repeating: 0, count: bins), positives = sums, counts = [Int](repeating: 0, count: bins)
        for i in labels.indices {
            let b = min(bins - 1, max(0, Int(probabilities[i] * Double(bins))))
            sums[b] += probabilities[i]
            positives[b] += labels[i] > 0.5 ? 1 : 0
            counts[b] += 1
        }
        return (0..<bins).filter { counts[$0] > 0 }.map {
            CalibrationBin(meanPredicted: sums[$0] / Double(counts[$0]), observedRate: positives[$0] / Double(counts[$0]), count: counts[$0])
        }
    }
}
