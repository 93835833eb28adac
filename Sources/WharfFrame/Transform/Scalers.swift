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
        try requireFitted(fills, for: columns)
        var f = frame
        for name in columns { f = try f.fillNull(name, with: fills[name]!) }
        return f
    }
}

/// Centres numeric columns on the training mean and divides by the training standard deviation: the one standard
/// scaler of Wharf's libraries (WharfLearn's linear models carry one, fitted on their feature matrix).
public struct StandardScaler: Transformer, Equatable {
    public static let kind = "standard_scaler"
    public var columns: [String]
    /// Training mean and standard deviation of each of `columns`, in the same order.
    public private(set) var means: [Double] = []
    public private(set) var deviations: [Double] = []

    public init(columns: [String]) { self.columns = columns }

    /// A scaler fitted elsewhere (`means` and `deviations` aligned with `columns`).
    public init(columns: [String], means: [Double], deviations: [Double]) {
        precondition(means.count == columns.count && deviations.count == columns.count, "one mean and deviation per column")
        self.columns = columns
        self.means = means
        self.deviations = deviations
    }

    /// Mean and (population) standard deviation of the non-missing values, in two passes; a column without values
    /// has mean 0, and a constant one deviation 1, so it maps to 0 instead of dividing by zero.
    public static func moments<C: Collection>(_ values: C) -> (mean: Double, deviation: Double) where C.Element == Double {
        var sum = 0.0, count = 0.0
        for v in values where !v.isNaN { sum += v; count += 1 }
        guard count > 0 else { return (0, 1) }
        let mean = sum / count
        var squares = 0.0
        for v in values where !v.isNaN { squares += (v - mean) * (v - mean) }
        let variance = squares / count
        return (mean, variance > 1e-24 ? variance.squareRoot() : 1)
    }

    public mutating func fit(_ frame: DataFrame) throws(FrameError) {
        var means = [Double](), deviations = [Double]()
        for c in try frame.requireColumns(columns) {
            let (m, s) = Self.moments(try c.doubles())
            means.append(m)
            deviations.append(s)
        }
        self.means = means
        self.deviations = deviations
    }

    public func transform(_ frame: DataFrame) throws(FrameError) -> DataFrame {
        try requireFitted(means.count == columns.count && deviations.count == columns.count)
        var f = frame
        for (j, c) in try frame.requireColumns(columns).enumerated() {
            let m = means[j], s = deviations[j]
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
        try requireFitted(minimums, maximums, for: columns)
        var f = frame
        for c in try frame.requireColumns(columns) {
            let lo = minimums[c.name]!, hi = maximums[c.name]!
            let span = hi > lo ? hi - lo : 1
            try f.setColumn(Column(c.name, try c.doubles().map { $0.isNaN ? nil : lower + ($0 - lo) / span * (upper - lower) }))
        }
        return f
    }
}
