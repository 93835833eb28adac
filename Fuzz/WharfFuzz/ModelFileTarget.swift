import Foundation
import WharfFrame
import WharfLearn

/// Model files: `ModelArtifact.decode` (Wharf's own format) and `XGBoostImport` (XGBoost JSON); a
/// model that loads must predict on rows of ordinary and extreme values without trapping.
enum ModelFileTarget {
    static let probes: [Float] = [0, 1, -1, .nan, 1e30, -1e30, 0.5, 255, 65536, .infinity]

    static let target = FuzzTarget(name: "model", summary: "WharfLearn model codec (ModelArtifact.decode, XGBoostImport)") { buffer in
        let data = Data(buffer)
        if let artifact = try? ModelArtifact.decode(data) {
            _ = artifact.outputCount
            _ = artifact.isClassifier
            let names = artifact.signature.features.map(\.name)
            let rows = probes.count
            let values = (0..<(rows * names.count)).map { probes[($0 / rows + $0) % probes.count] }
            if let matrix = try? FeatureMatrix(rowCount: rows, columnCount: names.count, values: values, names: names) {
                _ = try? artifact.predict(matrix, threads: 1)
            }
            if artifact.preprocessing != nil {
                // The stored column encoding, on a table of numbers, text and missing values.
                let header = names.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
                let table = [header] + ["0", "a", "", "1e30", "b"].map { cell in names.map { _ in cell }.joined(separator: ",") }
                if !names.isEmpty, let frame = try? CSVReader.read(string: table.joined(separator: "\n") + "\n") {
                    _ = try? artifact.predict(frame, threads: 1)
                }
            }
            _ = try? artifact.encoded()
        }
        if let model = try? XGBoostImport.load(json: data) {
            for probe in probes { _ = model.predict(row: [Float](repeating: probe, count: model.featureNames.count)) }
        }
    }
}
