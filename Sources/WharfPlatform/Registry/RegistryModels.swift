/// A name under which model versions are registered, with its aliases.
public struct RegisteredModel: Codable, Sendable, Hashable {
    public var name: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var description: String
    public var latestVersions: [ModelVersion]
    public var tags: [Tag]
    public var aliases: [RegisteredModelAlias]
}

/// An alias (`champion`, `production`, ...) pointing at one version of a registered model.
public struct RegisteredModelAlias: Codable, Sendable, Hashable {
    public var alias: String
    public var version: String
}

/// One registered version of a model: where its artifacts are, which run made it, its stage and aliases.
public struct ModelVersion: Codable, Sendable, Hashable {
    public var name: String
    public var version: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var currentStage: String
    public var description: String
    public var source: String
    public var runId: String
    public var status: String
    public var tags: [Tag]
    public var runLink: String
    public var aliases: [String]
    public var modelId: String?
    /// Where the version's artifacts live, resolved from its source at registration.
    public var storageLocation: String
}

/// The stages of MLflow's older stage API.
public enum ModelStage: String, Sendable, CaseIterable {
    case none = "None"
    case staging = "Staging"
    case production = "Production"
    case archived = "Archived"

    /// Parses a stage name in any letter case, naming the field when unknown.
    public static func parse(_ text: String, field: String = "stage") throws -> ModelStage {
        guard let stage = allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw WharfError.invalid(field, "\(field) must be one of None, Staging, Production, Archived; got '\(text)'")
        }
        return stage
    }
}

/// Where a registered version came from: its run and the data sets that run read.
public struct ModelLineage: Codable, Sendable, Hashable {
    public var name: String
    public var version: String
    public var runId: String?
    public var modelId: String?
    public var source: String
    public var storageLocation: String
    public var datasets: [Dataset]
    /// The input and output schema from the version's MLmodel file, when it has one.
    public var signature: ModelSignature?
}

/// A model's input and output schema as MLflow writes them in MLmodel (JSON column specs).
public struct ModelSignature: Codable, Sendable, Hashable {
    public var inputs: String?
    public var outputs: String?

    /// Reads the `signature:` block of an MLmodel YAML file; nil when there is none.
    public static func parse(mlmodel text: String) -> ModelSignature? {
        var inBlock = false
        var signature = ModelSignature(inputs: nil, outputs: nil)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("signature:") { inBlock = true; continue }
            guard inBlock else { continue }
            guard line.hasPrefix(" ") else { break }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for field in ["inputs", "outputs"] where trimmed.hasPrefix(field + ":") {
                var value = trimmed.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
                    value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
                }
                guard value != "null", !value.isEmpty else { continue }
                if field == "inputs" { signature.inputs = value } else { signature.outputs = value }
            }
        }
        return inBlock && (signature.inputs != nil || signature.outputs != nil) ? signature : nil
    }
}
