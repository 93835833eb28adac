/// One key of a sort.
public struct SortKey: Sendable {
    public var column: String
    public var ascending: Bool
    public var nullsFirst: Bool

    public init(_ column: String, ascending: Bool = true, nullsFirst: Bool = false) {
        self.column = column
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

extension DataFrame {
    /// Rows ordered by the keys; stable (equal keys keep their order), nulls last unless asked otherwise.
    public func sorted(by keys: [SortKey]) throws(FrameError) -> DataFrame {
        take(try sortPermutation(keys))
    }

    public func sorted(by column: String, ascending: Bool = true) throws(FrameError) -> DataFrame {
        try sorted(by: [SortKey(column, ascending: ascending)])
    }

    /// The row order a sort by `keys` gives.
    public func sortPermutation(_ keys: [SortKey]) throws(FrameError) -> [Int] {
        // Each key becomes a comparable rank per row (numbers by value, strings by their sorted order), so the
        // comparator only compares integers or doubles.
        var ranks: [[Double]] = []
        var nulls: [[Bool]] = []
        for k in keys {
            let c = try column(k.column)
            nulls.append((0..<c.count).map { c.isNull($0) })
            switch c.type {
            case .string, .categorical, .json, .list:
                // Levels come sorted, so the codes order like the strings.
                let codes = try c.cast(to: .string).categoricalCodes().codes
                ranks.append(codes.map { Double($0) })
            default:
                ranks.append(try c.doubles())
            }
        }
        var idx = Array(0..<rowCount)
        idx.sort { a, b in
            for (j, k) in keys.enumerated() {
                let na = nulls[j][a], nb = nulls[j][b]
                if na != nb { return na == k.nullsFirst }
                if na { continue }
                let x = ranks[j][a], y = ranks[j][b]
                if x != y { return k.ascending ? x < y : x > y }
            }
            return a < b
        }
        return idx
    }
}
