import ArgumentParser
import Foundation
import WharfFrame
import WharfLearn

/// Reading tables and models for `wharf train`, `wharf predict` and `wharf evaluate`.
enum LearnInput {
    static func table(_ path: String, option: String) throws -> DataFrame {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("\(option): no such file \(path)")
        }
        return try CSVReader.read(path: path)
    }

    /// A Wharf model file, or a model saved by XGBoost (`Booster.save_model("model.json")`).
    static func model(_ path: String) throws -> ModelArtifact {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--model: no such file \(path)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["learner"] != nil {
            let model = try XGBoostImport.load(json: data)
            let signature = ModelSignature(features: zip(model.featureNames, model.featureKinds).map { .init(name: $0, kind: $1) })
            return ModelArtifact(algorithm: "xgboost", signature: signature, model: .trees(model))
        }
        return try ModelArtifact.decode(data)
    }

    /// Features for `artifact` from `frame`: through its stored encoding, or numeric columns matched by name.
    static func features(_ frame: DataFrame, for artifact: ModelArtifact) throws -> FeatureMatrix {
        if let encoder = artifact.preprocessing { return try encoder.matrix(from: frame) }
        var columns = [[Float]]()
        for feature in artifact.signature.features {
            guard frame.contains(feature.name) else {
                throw LearnError(.missingFeature, "input has no column \(feature.name); the model needs \(artifact.signature.features.map(\.name).joined(separator: ", "))",
                                 field: feature.name)
            }
            columns.append(try frame[feature.name].floats())
        }
        return try FeatureMatrix(columns: columns, names: artifact.signature.features.map(\.name), kinds: artifact.signature.features.map(\.kind))
    }

    /// Parses repeated `key=value` options.
    static func hyperparameters(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ValidationError("--hp expects key=value; got \(pair)")
            }
            result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        return result
    }

    /// Prints `object` as sorted, indented JSON on stdout (the `--json` output of the learning commands).
    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Metric values for JSON: NaN (a metric undefined on the data, e.g. AUC of one class) becomes null.
    static func jsonNumbers(_ metrics: [String: Double]) -> [String: Any] {
        metrics.mapValues { $0.isFinite ? $0 as Any : NSNull() }
    }

    /// The predictions of `artifact` for every row of `frame`, one column per output (`probability`,
    /// `probability_<class>` and `prediction` for several classes, or `prediction`).
    static func predictions(_ frame: DataFrame, with artifact: ModelArtifact) throws -> DataFrame {
        let values = try artifact.predict(try features(frame, for: artifact))
        let k = artifact.outputCount, n = frame.rowCount
        var columns = outputColumns(artifact).enumerated().map { c, name in
            Column(name, (0..<n).map { values[$0 * k + c] })
        }
        if k > 1 && artifact.isClassifier {
            let classes = artifact.signature.classes ?? (0..<k).map { "\($0)" }
            columns.append(Column("prediction", (0..<n).map { r -> String in
                var best = 0
                for c in 1..<k where values[r * k + c] > values[r * k + best] { best = c }
                return classes[best]
            }))
        }
        return try DataFrame(columns)
    }

    /// Prediction column names for a model's outputs.
    static func outputColumns(_ artifact: ModelArtifact) -> [String] {
        let k = artifact.outputCount
        if !artifact.isClassifier { return ["prediction"] }
        if k == 1 { return ["probability"] }
        let classes = artifact.signature.classes ?? (0..<k).map { "\($0)" }
        return classes.map { "probability_\($0)" }
    }
}

/// A one-line progress bar on a terminal, plain lines otherwise (on stderr, so stdout stays data).
struct ProgressReporter {
    let isTerminal = isatty(STDERR_FILENO) == 1

    func report(_ r: RoundReport) {
        let metrics = r.metrics.map { "\($0.name) \(String(format: "%.5f", $0.value))" }.joined(separator: "  ")
        let best = r.bestRound.map { "  best round \($0 + 1)" } ?? ""
        if isTerminal {
            let width = 30
            let done = Int(Double(width) * Double(r.round + 1) / Double(r.totalRounds))
            let bar = String(repeating: "#", count: done) + String(repeating: "-", count: width - done)
            FileHandle.standardError.write(Data("\r[\(bar)] \(r.round + 1)/\(r.totalRounds)  \(metrics)\(best)\u{1B}[K".utf8))
        } else {
            FileHandle.standardError.write(Data("round \(r.round + 1)/\(r.totalRounds)  \(metrics)\(best)\n".utf8))
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

func formatMetric(_ value: Double) -> String { value.isNaN ? "nan" : String(format: "%.6f", value) }
