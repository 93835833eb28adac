import ArgumentParser
import Foundation
import WharfFrame
import WharfLearn

/// `wharf predict`: score a CSV file with a Wharf model file (or an XGBoost model.json).
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict every row of a CSV file; writes CSV with one column per output.")

    @Option(help: "Model file (.wharf, or an XGBoost JSON model).") var model: String
    @Option(help: "Input rows (CSV with a header).") var data: String
    @Option(help: "Output CSV (stdout when left out).") var output: String?

    func run() async throws {
        let artifact = try LearnInput.model(model)
        let frame = try LearnInput.table(data, option: "--data")
        let predictions = try artifact.predict(try LearnInput.features(frame, for: artifact))
        let columns = LearnInput.outputColumns(artifact)
        var csv = CSVOutput()
        let k = artifact.outputCount
        let labelled = k > 1 && artifact.isClassifier
        csv.row(columns + (labelled ? ["prediction"] : []))
        let classes = artifact.signature.classes ?? (0..<k).map { "\($0)" }
        for r in 0..<frame.rowCount {
            var fields = (0..<k).map { String(predictions[r * k + $0]) }
            if labelled {
                var best = 0
                for c in 1..<k where predictions[r * k + c] > predictions[r * k + best] { best = c }
                fields.append(classes[best])
            }
            csv.row(fields)
        }
        try csv.write(to: output)
        if let output { print("wrote \(frame.rowCount) predictions to \(output)") }
    }
}
