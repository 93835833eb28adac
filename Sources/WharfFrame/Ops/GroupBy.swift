/// An aggregation of one column within groups.
public struct Aggregation: Sendable {
    /// The aggregate functions of `groupBy`.
    public enum Function: String, Sendable, Codable, CaseIterable {
        case count, size, sum, mean, min, max, std, nunique, first, last, median
    }

    public var column: String
    public var function: Function
    /// Output name (default `column_function`).
    public var name: String

    public init(_ column: String, _ function: Function, as name: String? = nil) {
        self.column = column
        self.function = function
        self.name = name ?? "\(column)_\(function.rawValue)"
    }
}

/// Rows partitioned by key columns; aggregate with `aggregate`.
public struct GroupedFrame: Sendable {
    public let frame: DataFrame
    public let keys: [String]
    /// Group code per row (-1 for rows with a null key, which are left out).
    public let codes: [Int32]
    public let groupCount: Int
    /// First row of each group, in group order.
    let firstRows: [Int]

    /// One row per group with the key columns and the aggregations.
    public func aggregate(_ aggregations: [Aggregation]) throws(FrameError) -> DataFrame {
        var out = try frame.select(keys).take(firstRows)
        for a in aggregations { try out.append(try aggregateColumn(a)) }
        return out
    }

    /// Number of rows per group, as a column `count`.
    public func count() throws(FrameError) -> DataFrame {
        try aggregate([Aggregation(keys[0], .size, as: "count")])
    }

    func aggregateColumn(_ a: Aggregation) throws(FrameError) -> Column {
        let c = try frame.column(a.column)
        let g = groupCount
        switch a.function {
        case .size:
            var counts = [Int64](repeating: 0, count: g)
            for code in codes where code >= 0 { counts[Int(code)] += 1 }
            return Column(a.name, counts)
        case .count:
            var counts = [Int64](repeating: 0, count: g)
            counts.withUnsafeMutableBufferPointer { n in
                codes.withUnsafeBufferPointer { cp in
                    if c.validity == nil {
                        for code in cp where code >= 0 { n[Int(code)] += 1 }
                    } else {
                        for (i, code) in cp.enumerated() where code >= 0 && !c.isNull(i) { n[Int(code)] += 1 }
                    }
                }
            }
            return Column(a.name, counts)
        case .sum, .mean:
            // A double column is summed where it lies; other types go through `doubles()` (NaN for nulls).
            if case .double(let v) = c.storage, c.validity == nil {
                return Column(a.name, v.withUnsafeBufferPointer { Self.sums(a.function, $0, codes, g) })
            }
            let x = try c.doubles()
            return Column(a.name, x.withUnsafeBufferPointer { Self.sums(a.function, $0, codes, g) })
        case .nunique:
            var coder = KeyCoder()
            let values = coder.encode(c)
            var seen = Set<Int64>()
            var counts = [Int64](repeating: 0, count: g)
            for (i, code) in codes.enumerated() where code >= 0 && values[i] >= 0 {
                if seen.insert(Int64(code) << 32 | Int64(values[i])).inserted { counts[Int(code)] += 1 }
            }
            return Column(a.name, counts)
        case .first, .last:
            var pick = [Int](repeating: -1, count: g)
            for (i, code) in codes.enumerated() where code >= 0 && !c.isNull(i) {
                if a.function == .last || pick[Int(code)] < 0 { pick[Int(code)] = i }
            }
            return c.take(pick).renamed(a.name)
        case .min where !c.type.isNumeric && c.type != .date && c.type != .timestamp,
             .max where !c.type.isNumeric && c.type != .date && c.type != .timestamp:
            var best = [String?](repeating: nil, count: g)
            let s = c.strings()
            for (i, code) in codes.enumerated() where code >= 0 {
                guard let v = s[i] else { continue }
                if let b = best[Int(code)] { if a.function == .min ? v < b : v > b { best[Int(code)] = v } } else { best[Int(code)] = v }
            }
            return Column(a.name, best)
        default:
            let x = try c.doubles()
            return Column(a.name, Self.numeric(a.function, x, codes, g))
        }
    }

    /// Per-group sums or means of the non-NaN values.
    static func sums(_ f: Aggregation.Function, _ x: UnsafeBufferPointer<Double>, _ codes: [Int32], _ g: Int) -> [Double?] {
        var n = [Double](repeating: 0, count: g)
        var s = [Double](repeating: 0, count: g)
        n.withUnsafeMutableBufferPointer { np in
            s.withUnsafeMutableBufferPointer { sp in
                codes.withUnsafeBufferPointer { cp in
                    for i in 0..<x.count {
                        let c = Int(cp[i])
                        let v = x[i]
                        if c >= 0 && !v.isNaN { np[c] += 1; sp[c] += v }
                    }
                }
            }
        }
        if f == .sum { return s.map { $0 } }
        return (0..<g).map { n[$0] > 0 ? s[$0] / n[$0] : nil }
    }

    static func numeric(_ f: Aggregation.Function, _ x: [Double], _ codes: [Int32], _ g: Int) -> [Double?] {
        var n = [Double](repeating: 0, count: g)
        switch f {
        case .sum, .mean:
            return x.withUnsafeBufferPointer { sums(f, $0, codes, g) }
        case .min, .max:
            var best = [Double](repeating: .nan, count: g)
            for i in 0..<x.count where codes[i] >= 0 && !x[i].isNaN {
                let c = Int(codes[i])
                if best[c].isNaN || (f == .min ? x[i] < best[c] : x[i] > best[c]) { best[c] = x[i] }
            }
            return best.map { $0.isNaN ? nil : $0 }
        case .std:
            // Welford per group: stable for large means.
            var mean = [Double](repeating: 0, count: g)
            var m2 = [Double](repeating: 0, count: g)
            for i in 0..<x.count where codes[i] >= 0 && !x[i].isNaN {
                let c = Int(codes[i])
                n[c] += 1
                let d = x[i] - mean[c]
                mean[c] += d / n[c]
                m2[c] += d * (x[i] - mean[c])
            }
            return (0..<g).map { n[$0] > 1 ? (m2[$0] / (n[$0] - 1)).squareRoot() : nil }
        case .median:
            var buckets = [[Double]](repeating: [], count: g)
            for i in 0..<x.count where codes[i] >= 0 && !x[i].isNaN { buckets[Int(codes[i])].append(x[i]) }
            return buckets.map { b in
                guard !b.isEmpty else { return nil }
                let s = b.sorted()
                return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
            }
        default:
            preconditionFailure("\(f) is not a numeric aggregation")
        }
    }
}

extension DataFrame {
    /// Groups rows by the key columns. Groups come in key order when `sort` (pandas' default), else in order of
    /// first appearance; rows with a null key are left out unless `dropNullKeys` is false.
    public func groupBy(_ keys: [String], sort: Bool = true, dropNullKeys: Bool = true) throws(FrameError) -> GroupedFrame {
        guard !keys.isEmpty else { throw FrameError(.invalidArgument, "group-by needs at least one key", field: "keys") }
        let keyColumns = try keys.map { k throws(FrameError) in [try column(k)] }
        var all = KeyCoder.combined(keyColumns).codes
        // Taken out of `all` so the renumbering below writes in place instead of copying.
        var codes = all.removeFirst()
        if !dropNullKeys {
            // Rows with any null key share one extra group per distinct null pattern; use the null-aware tuple.
            var coder = Int64HashMap()
            var patterns = [Int32](repeating: 0, count: rowCount)
            for i in 0..<rowCount where codes[i] < 0 {
                var pattern: Int64 = 0
                for (j, kc) in keyColumns.enumerated() where kc[0].isNull(i) { pattern |= 1 << Int64(j) }
                patterns[i] = coder.code(for: pattern)
            }
            let base = (codes.max() ?? -1) + 1
            for i in 0..<rowCount where codes[i] < 0 { codes[i] = base + patterns[i] }
        }
        // Renumber groups densely in order of first appearance.
        var remap = [Int32](repeating: -1, count: Int((codes.max() ?? -1) + 1))
        var firstRows: [Int] = []
        for i in 0..<codes.count where codes[i] >= 0 {
            let c = Int(codes[i])
            if remap[c] < 0 { remap[c] = Int32(firstRows.count); firstRows.append(i) }
            codes[i] = remap[c]
        }
        if sort && firstRows.count > 1 {
            let firsts = try select(keys).take(firstRows)
            let order = try firsts.sortPermutation(keys.map { SortKey($0, nullsFirst: false) })
            var rank = [Int32](repeating: 0, count: order.count)
            for (r, g) in order.enumerated() { rank[g] = Int32(r) }
            for i in 0..<codes.count where codes[i] >= 0 { codes[i] = rank[Int(codes[i])] }
            firstRows = order.map { firstRows[$0] }
        }
        return GroupedFrame(frame: self, keys: keys, codes: codes, groupCount: firstRows.count, firstRows: firstRows)
    }
}
