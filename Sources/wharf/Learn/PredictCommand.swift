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
    @Flag(help: "Print the predictions as JSON rows (with --output: the file stays CSV and a JSON summary is printed).") var json = false

    func run() async throws {
        let artifact = try LearnInput.model(model)
        let frame = try LearnInput.table(data, option: "--data")
        let predictions = try LearnInput.predictions(frame, with: artifact)
        if json && output == nil {
            let values = try predictions.columns.map { c -> [Any] in
                c.type == .double ? try c.doubles().map { $0 as Any } : c.strings().map { ($0 ?? "") as Any }
            }
            let names = predictions.columnNames
            let rows = (0..<predictions.rowCount).map { r in Dictionary(uniqueKeysWithValues: names.indices.map { (names[$0], values[$0][r]) }) }
            return try LearnInput.printJSON(rows)
        }
        let bytes = CSVWriter.bytes(predictions)
        guard let output else { return FileHandle.standardOutput.write(Data(bytes)) }
        try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        if json {
            try LearnInput.printJSON(["output": output, "rows": predictions.rowCount, "columns": predictions.columnNames] as [String: Any])
        } else {
            print("wrote \(predictions.rowCount) predictions to \(output)")
        }
    }
}
