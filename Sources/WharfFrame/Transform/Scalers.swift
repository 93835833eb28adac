/// Fills nulls with a statistic learned from training data (or a constant).
public struct Imputer: Transformer {
    public static let kind = "imputer"

    /// How the fill value is chosen.
    public enum Strategy: Sendable, Codable, Equatable {
        case mean, median, mostFrequent
        case constant(Value)
    }

    public var columns: [String]
    public var strategy: Strategy
    public private(set) var fills: [String: Value] = [:]
    private var fitted = false

    public init(columns: [String], strategy: Strategy) {
        self.columns = columns
        self.strategy = strategy
    }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        fills = [:]
        for c in try frame.requireColumns(columns) {
            switch strategy {
            case .constant(let v): fills[c.name] = v
            case .mean, .median:
                let x = try c.doubles().filter { !$0.isNaN }
                guard !x.isEmpty else { throw FrameError(.invalidArgument, "column '\(c.name)' has no values to take a \(strategy) from", field: c.name) }
                if strategy == .mean {
                    fills[c.name] = .double(x.reduce(0, +) / Double(x.count))
                } else {
                    let s = x.sorted()
                    fills[c.name] = .double(s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
                }
            case .mostFrequent:
                let vc = try DataFrame([c]).valueCounts(c.name)
                guard vc.rowCount > 0 else { throw FrameError(.invalidArgument, "column '\(c.name)' has no values", field: c.name) }
                fills[c.name] = vc[c.name][0]
            }
        }
        fitted = true
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(fitted)
        var f = frame
        for name in columns { f = try f.fillNull(name, with: fills[name]!) }
        return f
    }
}

/// Centres numeric columns on the training mean and divides by the training standard deviation.
public struct StandardScaler: Transformer {
    public static let kind = "standard_scaler"
    public var columns: [String]
    public private(set) var means: [String: Double] = [:]
    public private(set) var deviations: [String: Double] = [:]

    public init(columns: [String]) { self.columns = columns }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        for c in try frame.requireColumns(columns) {
            let x = try c.doubles().filter { !$0.isNaN }
            let m = x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count)
            let v = x.isEmpty ? 0 : x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
            means[c.name] = m
            // A constant column scales by 1 so it maps to 0 instead of dividing by zero.
            deviations[c.name] = v > 0 ? v.squareRoot() : 1
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(means.count == columns.count)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let m = means[c.name]!, s = deviations[c.name]!
            try f.setColumn(Column(c.name, try c.doubles().map { $0.isNaN ? nil : ($0 - m) / s }))
        }
        return f
    }
}

/// Maps numeric columns linearly so the training minimum and maximum become `lower` and `upper`.
public struct MinMaxScaler: Transformer {
    public static let kind = "min_max_scaler"
    public var columns: [String]
    public var lower = 0.0
    public var upper = 1.0
    public private(set) var minimums: [String: Double] = [:]
    public private(set) var maximums: [String: Double] = [:]

    public init(columns: [String], range: ClosedRange<Double> = 0...1) {
        self.columns = columns
        lower = range.lowerBound
        upper = range.upperBound
    }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        for c in try frame.requireColumns(columns) {
            let x = try c.doubles().filter { !$0.isNaN }
            minimums[c.name] = x.min() ?? 0
            maximums[c.name] = x.max() ?? 0
        }
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(minimums.count == columns.count)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let lo = minimums[c.name]!, hi = maximums[c.name]!
            let span = hi > lo ? hi - lo : 1
            try f.setColumn(Column(c.name, try c.doubles().map { $0.isNaN ? nil : lower + ($0 - lo) / span * (upper - lower) }))
        }
        return f
    }
}
