import Foundation
import WharfFrame

/// The standard evaluation plots of a binary classifier and a tree model.
public enum EvaluationPlots {
    public static func roc(scores: [Double], labels: [Double]) -> String {
        let points = Curves.roc(scores: scores, labels: labels).map { (x: $0.falsePositiveRate, y: $0.truePositiveRate) }
        let auc = ROCAUC.auc(scores: scores, labels: labels)
        return SVGChart.lines(title: "ROC curve", xLabel: "False positive rate", yLabel: "True positive rate",
                              series: [.init(name: String(format: "AUC %.4f", auc), points: points)], xRange: 0...1, yRange: 0...1, diagonal: true)
    }

    public static func precisionRecall(scores: [Double], labels: [Double]) -> String {
        let points = Curves.precisionRecall(scores: scores, labels: labels).map { (x: $0.recall, y: $0.precision) }
        let ap = AveragePrecision().evaluate(predictions: scores, outputCount: 1, labels: labels, weights: nil)
        return SVGChart.lines(title: "Precision-recall curve", xLabel: "Recall", yLabel: "Precision",
                              series: [.init(name: String(format: "AP %.4f", ap), points: [(x: 0, y: points.first?.y ?? 1)] + points)],
                              xRange: 0...1, yRange: 0...1)
    }

    public static func calibration(probabilities: [Double], labels: [Double]) -> String {
        let bins = Curves.calibration(probabilities: probabilities, labels: labels)
        return SVGChart.lines(title: "Calibration", xLabel: "Mean predicted probability", yLabel: "Observed positive rate",
                              series: [.init(name: "model", points: bins.map { (x: $0.meanPredicted, y: $0.observedRate) })],
                              xRange: 0...1, yRange: 0...1, diagonal: true)
    }

    public static func importance(_ model: GBDTModel, type: ImportanceType = .gain) -> String {
        SVGChart.bars(title: "Feature importance (\(type.rawValue))", valueLabel: type.rawValue,
                      items: model.featureImportance(type).map { (label: $0.feature, value: $0.value) })
    }

    /// Per-round metric curves from the training history; nil when none was recorded.
    public static func rounds(_ history: [String: [Double]]) -> String? {
        guard !history.isEmpty else { return nil }
        let series = history.keys.sorted().map { name in
            SVGChart.Series(name: name, points: history[name]!.enumerated().map { (x: Double($0.offset + 1), y: $0.element) })
        }
        return SVGChart.lines(title: "Metrics per round", xLabel: "Round", yLabel: "Metric", series: series)
    }
}
