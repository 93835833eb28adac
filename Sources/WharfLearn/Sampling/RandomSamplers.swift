import WharfFrame
/// Random under-sampling of the majority class to a minority/majority ratio (without replacement).
public struct RandomUnderSampler: Sendable {
    public var ratio: Double
    public var seed: UInt64

    public init(ratio: Double = 1, seed: UInt64 = 0) throws {
        guard ratio > 0 && ratio <= 1 else {
            throw LearnError(.invalidParameter, "sampling_strategy must be in (0, 1]; got \(ratio)", field: "sampling_strategy")
        }
        self.ratio = ratio
        self.seed = seed
    }

    /// The kept rows, in their original order.
    public func resample(_ data: LabeledData) throws -> LabeledData {
        let (minorityLabel, minority, majorityCount) = try ClassCounts.binary(data.labels)
        let keep = min(majorityCount, Int((Double(minority.count) / ratio).rounded(.down)))
        var majority = data.labels.indices.filter { data.labels[$0] != minorityLabel }
        var generator = SeededGenerator(seed: seed)
        generator.shuffle(&majority)
        return data.selectingRows((minority + majority[..<keep]).sorted())
    }
}

/// Random over-sampling of the minority class to a minority/majority ratio (with replacement).
public struct RandomOverSampler: Sendable {
    public var ratio: Double
    public var seed: UInt64

    public init(ratio: Double = 1, seed: UInt64 = 0) throws {
        guard ratio > 0 && ratio <= 1 else {
            throw LearnError(.invalidParameter, "sampling_strategy must be in (0, 1]; got \(ratio)", field: "sampling_strategy")
        }
        self.ratio = ratio
        self.seed = seed
    }

    /// The original rows followed by the duplicated minority rows.
    public func resample(_ data: LabeledData) throws -> LabeledData {
        let (_, minority, majorityCount) = try ClassCounts.binary(data.labels)
        let extra = Int((ratio * Double(majorityCount)).rounded(.down)) - minority.count
        guard extra > 0 else { return data }
        var generator = SeededGenerator(seed: seed)
        let added = (0..<extra).map { _ in minority[generator.nextIndex(minority.count)] }
        return data.selectingRows(Array(0..<data.rowCount) + added)
    }
}
