/// Level counts of a text-like column, most frequent first (ties by level), nulls left out.
func levelCounts(_ c: Column) -> [(level: String, count: Int)] {
    var counts: [String: Int] = [:]
    for s in c.strings() { if let s { counts[s, default: 0] += 1 } }
    return counts.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.level < $1.level }
}

/// One 0/1 column per category (`column=level`), at most `maxCategories` of the most frequent; the rest, and
/// categories first seen at transform time, go to `column=other`. Nulls give all zeros.
public struct OneHotEncoder: Transformer {
    public static let kind = "one_hot"
    public var columns: [String]
    public var maxCategories: Int?
    public var otherLabel = "other"
    public var dropOriginal = true
    public private(set) var levels: [String: [String]] = [:]

    public init(columns: [String], maxCategories: Int? = nil, otherLabel: String = "other", dropOriginal: Bool = true) {
        self.columns = columns
        self.maxCategories = maxCategories
        self.otherLabel = otherLabel
        self.dropOriginal = dropOriginal
    }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        if let m = maxCategories, m < 1 { throw FrameError(.invalidArgument, "maxCategories must be at least 1", field: "maxCategories") }
        for c in try frame.requireColumns(columns) {
            let all = levelCounts(c).map(\.level)
            levels[c.name] = maxCategories.map { Array(all.prefix($0)) } ?? all
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(levels, for: columns)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let known = levels[c.name]!
            var index: [String: Int] = [:]
            for (k, l) in known.enumerated() { index[l] = k }
            var hot = [[Float]](repeating: [Float](repeating: 0, count: c.count), count: known.count + 1)
            for (i, s) in c.strings().enumerated() {
                guard let s else { continue }
                hot[index[s] ?? known.count][i] = 1
            }
            for (k, l) in known.enumerated() { try f.setColumn(Column("\(c.name)=\(l)", hot[k])) }
            try f.setColumn(Column("\(c.name)=\(otherLabel)", hot[known.count]))
            if dropOriginal { f = try f.drop([c.name]) }
        }
        return f
    }
}

/// Replaces each category with its index among the sorted training levels; unseen categories and nulls become null.
public struct OrdinalEncoder: Transformer {
    public static let kind = "ordinal"
    public var columns: [String]
    public private(set) var levels: [String: [String]] = [:]

    public init(columns: [String]) { self.columns = columns }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        for c in try frame.requireColumns(columns) { levels[c.name] = levelCounts(c).map(\.level).sorted() }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(levels, for: columns)
        var f = frame
        for c in try frame.requireColumns(columns) {
            var index: [String: Double] = [:]
            for (k, l) in levels[c.name]!.enumerated() { index[l] = Double(k) }
            try f.setColumn(Column(c.name, c.strings().map { $0.flatMap { index[$0] } }))
        }
        return f
    }
}

/// Replaces each category with its share of the training rows; unseen categories get 0.
public struct FrequencyEncoder: Transformer {
    public static let kind = "frequency"
    public var columns: [String]
    public private(set) var shares: [String: [String: Double]] = [:]

    public init(columns: [String]) { self.columns = columns }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        for c in try frame.requireColumns(columns) {
            let n = Double(max(c.count, 1))
            shares[c.name] = Dictionary(uniqueKeysWithValues: levelCounts(c).map { ($0.level, Double($0.count) / n) })
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(shares, for: columns)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let s = shares[c.name]!
            try f.setColumn(Column(c.name, c.strings().map { v -> Double? in v.map { s[$0] ?? 0 } }))
        }
        return f
    }
}

/// Replaces each category with the smoothed training mean of the target:
/// `(n * mean + smoothing * prior) / (n + smoothing)`; unseen categories and nulls get the prior.
public struct TargetEncoder: Transformer {
    public static let kind = "target"
    public var columns: [String]
    public var target: String
    public var smoothing: Double
    public private(set) var prior = 0.0
    public private(set) var encodings: [String: [String: Double]] = [:]

    public init(columns: [String], target: String, smoothing: Double = 10) {
        self.columns = columns
        self.target = target
        self.smoothing = smoothing
    }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        guard smoothing >= 0 else { throw FrameError(.invalidArgument, "smoothing must not be negative", field: "smoothing") }
        let y = try frame.column(target).doubles()
        let known = y.filter { !$0.isNaN }
        guard !known.isEmpty else { throw FrameError(.invalidArgument, "target '\(target)' has no values", field: target) }
        prior = known.reduce(0, +) / Double(known.count)
        for c in try frame.requireColumns(columns) {
            var sum: [String: Double] = [:], n: [String: Double] = [:]
            for (i, s) in c.strings().enumerated() where !y[i].isNaN {
                guard let s else { continue }
                sum[s, default: 0] += y[i]
                n[s, default: 0] += 1
            }
            var enc: [String: Double] = [:]
            for (level, count) in n { enc[level] = (sum[level]! + smoothing * prior) / (count + smoothing) }
            encodings[c.name] = enc
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(encodings, for: columns)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let enc = encodings[c.name]!
            try f.setColumn(Column(c.name, c.strings().map { v -> Double? in v.flatMap { enc[$0] } ?? prior }))
        }
        return f
    }
}

/// Maps categories rarer than `minShare` of the training rows (and unseen ones) to `otherLabel`.
public struct RareLevelMapper: Transformer {
    public static let kind = "rare_levels"
    public var columns: [String]
    public var minShare: Double
    public var otherLabel: String
    public private(set) var kept: [String: Set<String>] = [:]

    public init(columns: [String], minShare: Double, otherLabel: String = "others") {
        self.columns = columns
        self.minShare = minShare
        self.otherLabel = otherLabel
    }

    private enum CodingKeys: String, CodingKey { case columns, minShare, otherLabel, kept }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        columns = try c.decode([String].self, forKey: .columns)
        minShare = try c.decode(Double.self, forKey: .minShare)
        otherLabel = try c.decode(String.self, forKey: .otherLabel)
        kept = try c.decode([String: [String]].self, forKey: .kept).mapValues(Set.init)
    }

    /// Kept levels are written sorted, so fitting the same data always gives the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columns, forKey: .columns)
        try c.encode(minShare, forKey: .minShare)
        try c.encode(otherLabel, forKey: .otherLabel)
        try c.encode(kept.mapValues { $0.sorted() }, forKey: .kept)
    }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        guard (0...1).contains(minShare) else { throw FrameError(.invalidArgument, "minShare must be in 0...1", field: "minShare") }
        for c in try frame.requireColumns(columns) {
            let n = Double(max(c.count, 1))
            kept[c.name] = Set(levelCounts(c).filter { Double($0.count) / n >= minShare }.map(\.level))
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(kept, for: columns)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let keep = kept[c.name]!
            try f.setColumn(Column(c.name, c.strings().map { v -> String? in v.map { keep.contains($0) ? $0 : otherLabel } }))
        }
        return f
    }
}
