import ArgumentParser
import Foundation
import WharfFrame
import WharfLearn

/// `wharf evaluate`: metrics of a model on labelled CSV data, and SVG curves.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Print a model's metrics on labelled data and write ROC, PR, calibration, importance and per-round SVG plots.")

    @Option(help: "Model file (.wharf, or an XGBoost JSON model).") var model: String
    @Option(help: "Labelled data (CSV with a header).") var data: String
    @Option(help: "Target column (default: the model's).") var target: String?
    @Option(help: "Probability threshold for accuracy, precision, recall and F1.") var threshold = 0.5
    @Option(help: "Folder for the SVG plots.") var plots: String?
    @Flag(help: "Print the metrics, confusion matrix and plot paths as one JSON object.") var json = false

    func run() async throws {
        let artifact = try LearnInput.model(model)
        guard let targetName = target ?? artifact.signature.target else {
            throw ValidationError("--target is needed: the model does not name its target")
        }
        let frame = try LearnInput.table(data, option: "--data")
        let classes = artifact.signature.classes.flatMap { $0 == ["0", "1"] ? nil : $0 }
        let (labels, _) = try TargetEncoding.labels(frame, target: targetName, classes: classes)
        let predictions = try artifact.predict(try LearnInput.features(frame, for: artifact))
        let k = artifact.outputCount
        let table = ModelMetrics.table(predictions: predictions, outputCount: k, classifier: artifact.isClassifier, labels: labels,
                                       threshold: threshold)
        let confusion = artifact.isClassifier && k == 1 ? ConfusionMatrix(probabilities: predictions, labels: labels, threshold: threshold) : nil
        var written = [String]()
        if let plots {
            try FileManager.default.createDirectory(atPath: plots, withIntermediateDirectories: true)
            func save(_ name: String, _ svg: String) throws {
                let path = (plots as NSString).appendingPathComponent(name)
                try svg.write(toFile: path, atomically: true, encoding: .utf8)
                written.append(path)
            }
            if confusion != nil {
                try save("roc.svg", EvaluationPlots.roc(scores: predictions, labels: labels))
                try save("pr.svg", EvaluationPlots.precisionRecall(scores: predictions, labels: labels))
                try save("calibration.svg", EvaluationPlots.calibration(probabilities: predictions, labels: labels))
            }
            if case .trees(let trees) = artifact.model {
                try save("importance.svg", EvaluationPlots.importance(trees))
                if let rounds = EvaluationPlots.rounds(trees.history) { try save("rounds.svg", rounds) }
            }
        }
        if json {
            var report: [String: Any] = ["metrics": LearnInput.jsonNumbers(table), "rows": frame.rowCount, "target": targetName,
                                         "threshold": threshold, "plots": written]
            if let cm = confusion {
                report["confusion_matrix"] = ["true_negatives": Int(cm.trueNegatives), "false_positives": Int(cm.falsePositives),
                                              "false_negatives": Int(cm.falseNegatives), "true_positives": Int(cm.truePositives)]
            }
            try LearnInput.printJSON(report)
            return
        }
        print("metric       value")
        for (name, value) in table.sorted(by: { $0.key < $1.key }) {
            print(name.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + formatMetric(value))
        }
        if let cm = confusion {
            print("\nconfusion matrix (threshold \(threshold))")
            print("              predicted 0  predicted 1")
            print("actual 0      " + pad(cm.trueNegatives) + pad(cm.falsePositives))
            print("actual 1      " + pad(cm.falseNegatives) + pad(cm.truePositives))
        }
        if !written.isEmpty { print("\nplots: " + written.joined(separator: ", ")) }
    }

    private func pad(_ v: Double) -> String { String(Int(v)).padding(toLength: 13, withPad: " ", startingAt: 0) }
}
