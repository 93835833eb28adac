/// Equal-width bin counts of a numeric column.
public struct Histogram: Sendable, Codable, Equatable {
    /// `counts.count + 1` bin edges, ascending.
    public var edges: [Double]
    public var counts: [Int]
}

/// A value and how often it occurs.
public struct ValueCount: Sendable, Codable, Equatable {
    public var value: String
    public var count: Int
}

/// Summary statistics of one column.
public struct ColumnProfile: Sendable, Codable {
    public var name: String
    public var type: DataType
    /// Non-null values.
    public var count: Int
    public var missing: Int
    public var missingShare: Double
    public var distinct: Int
    public var mean: Double?
    public var std: Double?
    public var min: String?
    public var q25: Double?
    public var median: Double?
    public var q75: Double?
    public var max: String?
    public var top: [ValueCount]
    public var histogram: Histogram?
    /// Pearson correlation with the target for numeric columns, correlation ratio (eta) for categories.
    public var targetCorrelation: Double?
}

/// Summary statistics of a frame, per column (pandas `describe` plus missing, distinct, top values, histograms).
public struct FrameProfile: Sendable, Codable {
    public var rows: Int
    public var target: String?
    public var columns: [ColumnProfile]

    public func column(_ name: String) -> ColumnProfile? { columns.first { $0.name == name } }
}

extension DataFrame {
    /// Profiles every column; `target` adds each column's correlation with it.
    public func profile(target: String? = nil, bins: Int = 20, topValues: Int = 5) throws(FrameError) -> FrameProfile {
        guard bins >= 1 else { throw FrameError(.invalidArgument, "bins must be at least 1", field: "bins") }
        var y: [Double]? = nil
        if let target {
            let t = try column(target)
            y = t.type.isNumeric ? try t.doubles() : try t.categoricalCodes().codes.map { $0 < 0 ? .nan : Double($0) }
        }
        var out: [ColumnProfile] = []
        for c in columns { out.append(try Self.profileColumn(c, target: c.name == target ? nil : y, bins: bins, topValues: topValues)) }
        return FrameProfile(rows: rowCount, target: target, columns: out)
    }

    static func profileColumn(_ c: Column, target: [Double]?, bins: Int, topValues: Int) throws(FrameError) -> ColumnProfile {
        let missing = c.nullCount
        let n = c.count
        var p = ColumnProfile(name: c.name, type: c.type, count: n - missing, missing: missing,
                              missingShare: n == 0 ? 0 : Double(missing) / Double(n), distinct: 0,
                              top: [], histogram: nil, targetCorrelation: nil)
        var coder = KeyCoder()
        let codes = coder.encode(c)
        var counts = [Int](repeating: 0, count: Int(coder.count))
        var firstRow = [Int](repeating: -1, count: Int(coder.count))
        for (i, code) in codes.enumerated() where code >= 0 {
            counts[Int(code)] += 1
            if firstRow[Int(code)] < 0 { firstRow[Int(code)] = i }
        }
        p.distinct = counts.count
        let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : firstRow[$0] < firstRow[$1] }
        p.top = order.prefix(topValues).map { ValueCount(value: c[firstRow[$0]].description, count: counts[$0]) }

        let numeric = c.type.isNumeric || c.type == .date || c.type == .timestamp
        if numeric {
            let x = try c.doubles().filter { !$0.isNaN }
            if !x.isEmpty {
                let sorted = x.sorted()
                let mean = x.reduce(0, +) / Double(x.count)
                p.mean = c.type == .timestamp || c.type == .date ? nil : mean
                if x.count > 1, c.type != .timestamp, c.type != .date {
                    p.std = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)).squareRoot()
                }
                p.min = c[firstIndex(of: sorted.first!, in: c)].description
                p.max = c[firstIndex(of: sorted.last!, in: c)].description
                if c.type != .timestamp && c.type != .date {
                    p.q25 = quantile(sorted, 0.25)
                    p.median = quantile(sorted, 0.5)
                    p.q75 = quantile(sorted, 0.75)
                }
                p.histogram = histogram(sorted, bins: bins)
            }
            if let target, c.type.isNumeric { p.targetCorrelation = pearson(try c.doubles(), target) }
        } else {
            let s = c.strings().compactMap { $0 }
            p.min = s.min()
            p.max = s.max()
            if let target { p.targetCorrelation = correlationRatio(codes, target) }
        }
        return p
    }

    private static func firstIndex(of value: Double, in c: Column) -> Int {
        let x = (try? c.doubles()) ?? []
        return x.firstIndex(of: value) ?? 0
    }

    /// Linear interpolation between closest ranks (pandas' default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
    }

    static func histogram(_ sorted: [Double], bins: Int) -> Histogram {
        let lo = sorted.first!, hi = sorted.last!
        let width = hi > lo ? (hi - lo) / Double(bins) : 1
        let edges = (0...bins).map { lo + Double($0) * width }
        var counts = [Int](repeating: 0, count: bins)
        for v in sorted { counts[Swift.min(bins - 1, Int((v - lo) / width))] += 1 }
        return Histogram(edges: edges, counts: counts)
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        for i in 0..<Swift.min(x.count, y.count) where !x[i].isNaN && !y[i].isNaN {
            n += 1; sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; syy += y[i] * y[i]; sxy += x[i] * y[i]
        }
        guard n > 1 else { return nil }
        let cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n
        guard vx > 0, vy > 0 else { return nil }
        return cov / (vx * vy).squareRoot()
    }

    /// Share of the target's variance explained by the category means (eta), in 0...1.
    static func correlationRatio(_ codes: [Int32], _ y: [Double]) -> Double? {
        var sums: [Int32: (Double, Double)] = [:]
        var total = 0.0, n = 0.0
        for i in 0..<codes.count where codes[i] >= 0 && !y[i].isNaN {
            sums[codes[i], default: (0, 0)].0 += y[i]
            sums[codes[i], default: (0, 0)].1 += 1
            total += y[i]
            n += 1
        }
        guard n > 1 else { return nil }
        let mean = total / n
        var between = 0.0, all = 0.0
        for (s, k) in sums.values { between += k * (s / k - mean) * (s / k - mean) }
        for i in 0..<codes.count where codes[i] >= 0 && !y[i].isNaN { all += (y[i] - mean) * (y[i] - mean) }
        guard all > 0 else { return nil }
        return (between / all).squareRoot()
    }
}
