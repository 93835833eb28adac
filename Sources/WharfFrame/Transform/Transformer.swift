/// A preprocessing step that learns from training data (`fit`) and applies the same mapping later (`transform`);
/// Codable so a model carries its preprocessing into serving.
public protocol Transformer: Codable, Sendable {
    /// The name stored in serialised pipelines.
    static var kind: String { get }
    /// Learns parameters from training data.
    mutating func fit(_ frame: DataFrame) throws(FrameError)
    /// Applies the learned mapping; throws when called before `fit`.
    func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame
}

extension Transformer {
    public mutating func fitTransform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try fit(frame)
        return try transform(frame)
    }

    func requireFitted(_ fitted: Bool) throws(FrameError) {
        if !fitted { throw FrameError(.invalidArgument, "\(Self.kind) is used before fit", field: Self.kind) }
    }

    /// Throws unless every column has its learned value: a decoded model file may hold any keys.
    func requireFitted<Learned>(_ learned: [String: Learned]..., for columns: [String]) throws(FrameError) {
        try requireFitted(learned.allSatisfy { values in columns.allSatisfy { values[$0] != nil } })
    }
}

/// An ordered list of transformers fitted in sequence, each on the previous one's output; serialises with a
/// format version so older readers refuse newer files clearly.
public struct Pipeline: Sendable, Codable {
    public static let formatVersion = 1
    public private(set) var steps: [any Transformer]

    public init(_ steps: [any Transformer]) { self.steps = steps }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        var current = frame
        for i in steps.indices {
            var step = steps[i]
            try step.fit(current)
            current = try step.transform(current)
            steps[i] = step
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        var current = frame
        for step in steps { current = try step.transform(current) }
        return current
    }

    public mutating func fitTransform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try fit(frame)
        return try transform(frame)
    }

    /// Every transformer type a pipeline can decode.
    static let registry: [String: any Transformer.Type] = {
        let types: [any Transformer.Type] = [
            Imputer.self, StandardScaler.self, MinMaxScaler.self, OneHotEncoder.self, OrdinalEncoder.self,
            FrequencyEncoder.self, TargetEncoder.self, RareLevelMapper.self,
        ]
        return Dictionary(uniqueKeysWithValues: types.map { ($0.kind, $0) })
    }()

    enum CodingKeys: String, CodingKey { case version, steps }
    enum StepKeys: String, CodingKey { case kind, parameters }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .version)
        var list = c.nestedUnkeyedContainer(forKey: .steps)
        for step in steps {
            var s = list.nestedContainer(keyedBy: StepKeys.self)
            try s.encode(type(of: step).kind, forKey: .kind)
            try s.encode(step, forKey: .parameters)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version <= Self.formatVersion else {
            throw FrameError(.unsupported, "pipeline format version \(version) is newer than this reader (\(Self.formatVersion))", field: "version")
        }
        var list = try c.nestedUnkeyedContainer(forKey: .steps)
        var steps: [any Transformer] = []
        while !list.isAtEnd {
            let s = try list.nestedContainer(keyedBy: StepKeys.self)
            let kind = try s.decode(String.self, forKey: .kind)
            guard let type = Self.registry[kind] else {
                throw FrameError(.unsupported, "unknown transformer kind '\(kind)'", field: "kind")
            }
            steps.append(try Self.decodeStep(type, s))
        }
        self.steps = steps
    }

    private static func decodeStep<T: Transformer>(_ type: T.Type, _ c: KeyedDecodingContainer<StepKeys>) throws -> T {
        try c.decode(T.self, forKey: .parameters)
    }
}

extension DataFrame {
    /// The named columns, or an error naming the first missing one.
    func requireColumns(_ names: [String]) throws(FrameError) -> [Column] {
        try names.map { n throws(FrameError) in try column(n) }
    }
}
