extension DataFrame {
    /// Row order within each partition: sorted by `orderBy` (stable), else frame order.
    func partitionOrder(_ partitionBy: [String], orderBy: [SortKey]) throws(FrameError) -> (codes: [Int32], order: [Int]) {
        let g = try groupBy(partitionBy, sort: false, dropNullKeys: false)
        let order = orderBy.isEmpty ? Array(0..<rowCount) : try sortPermutation(orderBy)
        return (g.codes, order)
    }

    /// 0-based position of each row within its partition (pandas `groupby(...).cumcount()`), as column `name`.
    public func addingCumulativeCount(partitionBy: [String], orderBy: [SortKey] = [], as name: String) throws(FrameError) -> DataFrame {
        let (codes, order) = try partitionOrder(partitionBy, orderBy: orderBy)
        var seen = [Int64](repeating: 0, count: Int((codes.max() ?? -1) + 1))
        var out = [Int64](repeating: 0, count: rowCount)
        for i in order {
            let c = Int(codes[i])
            out[i] = seen[c]
            seen[c] += 1
        }
        var f = self
        try f.setColumn(Column(name, out))
        return f
    }

    /// The value of `column` `offset` rows earlier in the same partition (null for the first rows), as `name`.
    /// With a timestamp `orderBy` and the column itself, `days since the user last bought this product` is
    /// `addingLag(...)` followed by `addingDaysBetween`.
    public func addingLag(_ column: String, offset: Int = 1, partitionBy: [String], orderBy: [SortKey] = [],
                          as name: String) throws(FrameError) -> DataFrame {
        guard offset >= 1 else { throw FrameError(.invalidArgument, "lag offset must be at least 1", field: "offset") }
        let c = try self.column(column)
        let (codes, order) = try partitionOrder(partitionBy, orderBy: orderBy)
        var history = [[Int]](repeating: [], count: Int((codes.max() ?? -1) + 1))
        var source = [Int](repeating: -1, count: rowCount)
        for i in order {
            let g = Int(codes[i])
            let h = history[g]
            if h.count >= offset { source[i] = h[h.count - offset] }
            history[g].append(i)
        }
        var f = self
        try f.setColumn(c.take(source).renamed(name))
        return f
    }
}
