import Foundation
import WharfFrame

/// Input signature of a model: its feature columns (with category levels, the fitted encoding) and the target.
public struct ModelSignature: Codable, Equatable, Sendable {
    /// One input column.
    public struct Column: Codable, Equatable, Sendable {
        public var name: String
        public var kind: FeatureKind
        public init(name: String, kind: FeatureKind) { self.name = name; self.kind = kind }
    }

    public var features: [Column]
    public var target: String?
    /// Class names in label order, for classifiers.
    public var classes: [String]?

    public init(features: [Column], target: String? = nil, classes: [String]? = nil) {
        self.features = features
        self.target = target
        self.classes = classes
    }
}

/// The learned part of an artifact.
public enum LearnedModel: Equatable, Sendable {
    case trees(GBDTModel)
    case linear(LinearModel)
}

/// One versioned, self-describing model file for every learner: signature, parameters, metrics and the model.
public struct ModelArtifact: Equatable, Sendable {
    public static let formatName = "wharf-model"
    public static let currentVersion = 2

    public var formatVersion: Int
    /// `gbdt`, `rf`, `linear` or `xgboost`.
    public var algorithm: String
    public var signature: ModelSignature
    public var parameters: [String: String]
    public var metrics: [String: Double]
    /// Fitted encoding from a DataFrame (column types, category levels), when the model was trained from one.
    public var preprocessing: FrameEncoder?
    public var model: LearnedModel

    public init(algorithm: String, signature: ModelSignature, parameters: [String: String] = [:], metrics: [String: Double] = [:],
                preprocessing: FrameEncoder? = nil, model: LearnedModel) {
        self.formatVersion = Self.currentVersion
        self.algorithm = algorithm
        self.signature = signature
        self.preprocessing = preprocessing
        self.parameters = parameters
        self.metrics = metrics
        self.model = model
    }

    /// Predictions per row (row-major, `outputCount` per row); columns are matched to the signature by name.
    public func predict(_ features: FeatureMatrix, threads: Int = 0) throws -> [Double] {
        switch model {
        case .trees(let m): return try m.predict(features, threads: threads)
        case .linear(let m): return try m.predict(features)
        }
    }

    /// Predictions for a DataFrame, encoded with the stored preprocessing.
    public func predict(_ frame: DataFrame, threads: Int = 0) throws -> [Double] {
        guard let preprocessing else {
            throw LearnError(.invalidModel, "this model was not trained from a table, so it has no column encoding; pass a FeatureMatrix", field: "preprocessing")
        }
        return try predict(try preprocessing.matrix(from: frame), threads: threads)
    }

    public var outputCount: Int {
        switch model {
        case .trees(let m): return m.outputCount
        case .linear(let m): return m.outputCount
        }
    }

    /// Whether predictions are class probabilities (binary: of class 1).
    public var isClassifier: Bool {
        switch model {
        case .trees(let m): return m.transform != .identity
        case .linear(let m): return m.task != .regression
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Decodes a model file; a newer format version or another format is refused with a clear message.
    public static func decode(_ data: Data) throws -> ModelArtifact {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw LearnError(.invalidModel, "not a Wharf model file (no format header): \(error)", field: "format")
        }
        guard header.format == formatName else {
            throw LearnError(.invalidModel, "not a Wharf model file: format is \(header.format), expected \(formatName)", field: "format")
        }
        guard header.formatVersion <= currentVersion else {
            throw LearnError(.unsupportedVersion,
                             "model file format version \(header.formatVersion) is newer than this Wharf reads (up to \(currentVersion)); upgrade Wharf to load it",
                             field: "format_version")
        }
        do {
            return try decoder.decode(ModelArtifact.self, from: data)
        } catch let error as LearnError {
            throw error
        } catch {
            throw LearnError(.invalidModel, "model file is damaged: \(error)", field: "model")
        }
    }

    public func write(to url: URL) throws {
        try encoded().write(to: url, options: .atomic)
    }

    public static func read(from url: URL) throws -> ModelArtifact {
        try decode(try Data(contentsOf: url))
    }

    private struct Header: Decodable {
        var format: String
        var formatVersion: Int
        enum CodingKeys: String, CodingKey { case format, formatVersion = "format_version" }
    }
}

extension ModelArtifact: Codable {
    private enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", algorithm, signature, parameters, metrics, preprocessing, kind, trees, linear
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        algorithm = try c.decode(String.self, forKey: .algorithm)
        signature = try c.decode(ModelSignature.self, forKey: .signature)
        parameters = try c.decode([String: String].self, forKey: .parameters)
        metrics = try c.decode([String: Double].self, forKey: .metrics)
        preprocessing = try c.decodeIfPresent(FrameEncoder.self, forKey: .preprocessing)
        switch try c.decode(String.self, forKey: .kind) {
        case "trees": model = .trees(try c.decode(GBDTModel.self, forKey: .trees))
        case "linear": model = .linear(try c.decode(LinearModel.self, forKey: .linear))
        case let other: throw LearnError(.invalidModel, "unknown model kind \(other); expected trees or linear", field: "kind")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(signature, forKey: .signature)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(metrics, forKey: .metrics)
        try c.encodeIfPresent(preprocessing, forKey: .preprocessing)
        switch model {
        case .trees(let m):
            try c.encode("trees", forKey: .kind)
            try c.encode(m, forKey: .trees)
        case .linear(let m):
            try c.encode("linear", forKey: .kind)
            try c.encode(m, forKey: .linear)
        }
    }
}
