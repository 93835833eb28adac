extension DataFrame {
    /// Columns renamed by a mapping (an error names a column that does not exist).
    public func renamed(_ mapping: [String: String]) throws(FrameError) -> DataFrame {
        for old in mapping.keys where !contains(old) { _ = try column(old) }
        return try DataFrame(columns.map { c in mapping[c.name].map { c.renamed($0) } ?? c })
    }

    /// Frames stacked vertically. Columns are matched by name (missing ones are null); a column whose types differ
    /// between frames gets the type that holds both.
    public static func concat(_ frames: [DataFrame]) throws(FrameError) -> DataFrame {
        guard let first = frames.first else { return DataFrame() }
        var names = first.columnNames
        var seen = Set(names)
        for f in frames.dropFirst() { for n in f.columnNames where !seen.contains(n) { names.append(n); seen.insert(n) } }
        var out = DataFrame()
        for name in names {
            let parts = frames.map { f in f.contains(name) ? f[name] : nil }
            try out.append(concatColumn(name, parts, counts: frames.map(\.rowCount)))
        }
        return out
    }

    static func concatColumn(_ name: String, _ parts: [Column?], counts: [Int]) -> Column {
        let present = parts.compactMap { $0 }
        let types = Set(present.map(\.type))
        var validity: ValidityBitmap? = nil
        if parts.contains(where: { $0 == nil || $0!.validity != nil }) {
            var bits = ValidityBitmap(count: 0)
            for (p, n) in zip(parts, counts) { for i in 0..<n { bits.append(p.map { !$0.isNull(i) } ?? false) } }
            validity = bits
        }
        func cat<T>(_ extract: (Column) -> ArraySlice<T>?, _ fill: T) -> ArraySlice<T>? {
            var out: [T] = []
            out.reserveCapacity(counts.reduce(0, +))
            for (p, n) in zip(parts, counts) {
                if let p { guard let v = extract(p) else { return nil }; out.append(contentsOf: v) } else { out.append(contentsOf: repeatElement(fill, count: n)) }
            }
            return ArraySlice(out)
        }
        if types.count == 1 {
            var storage: Column.Storage? = nil
            switch present[0].storage {
            case .int64: storage = cat({ if case .int64(let v) = $0.storage { return v }; return nil }, 0).map { .int64($0) }
            case .double: storage = cat({ if case .double(let v) = $0.storage { return v }; return nil }, 0).map { .double($0) }
            case .float: storage = cat({ if case .float(let v) = $0.storage { return v }; return nil }, 0).map { .float($0) }
            case .bool: storage = cat({ if case .bool(let v) = $0.storage { return v }; return nil }, false).map { .bool($0) }
            case .string: storage = cat({ if case .string(let v) = $0.storage { return v }; return nil }, "").map { .string($0) }
            case .date: storage = cat({ if case .date(let v) = $0.storage { return v }; return nil }, 0).map { .date($0) }
            case .timestamp: storage = cat({ if case .timestamp(let v) = $0.storage { return v }; return nil }, 0).map { .timestamp($0) }
            default: storage = nil
            }
            if let storage { return Column(name: name, storage: storage, validity: validity) }
        }
        var values: [Value] = []
        for (p, n) in zip(parts, counts) { values.append(contentsOf: p?.values ?? Array(repeating: .null, count: n)) }
        let numericOnly = types.allSatisfy { $0.isNumeric }
        return Column(name, values: values, type: types.count == 1 && present[0].type == .categorical ? .categorical : (numericOnly ? nil : (types.count == 1 ? present[0].type : nil)))
    }

    /// `n` rows drawn without replacement, repeatable for a seed.
    public func sample(_ n: Int, seed: UInt64 = 0) throws(FrameError) -> DataFrame {
        guard n >= 0, n <= rowCount else {
            throw FrameError(.invalidArgument, "cannot sample \(n) of \(rowCount) rows without replacement", field: "n")
        }
        var rng = SeededGenerator(seed: seed)
        var idx = Array(0..<rowCount)
        for i in 0..<n { idx.swapAt(i, Int.random(in: i..<rowCount, using: &rng)) }
        return take(Array(idx[0..<n]))
    }

    /// A fraction of the rows drawn without replacement.
    public func sample(fraction: Double, seed: UInt64 = 0) throws(FrameError) -> DataFrame {
        guard fraction >= 0, fraction <= 1 else { throw FrameError(.invalidArgument, "fraction must be in 0...1", field: "fraction") }
        return try sample(Int((Double(rowCount) * fraction).rounded()), seed: seed)
    }

    /// Distinct values of a column with their counts in a column `count`, most frequent first (ties in value
    /// order); nulls counted when `includeNull`.
    public func valueCounts(_ name: String, includeNull: Bool = false) throws(FrameError) -> DataFrame {
        let c = try column(name)
        let g = try DataFrame([c]).groupBy([name], sort: true, dropNullKeys: !includeNull)
        // The counts column is `count` (or `count_of_count` when the column itself is called `count`).
        let countName = name == "count" ? "count_of_count" : "count"
        let counts = try g.aggregate([Aggregation(name, .size, as: countName)])
        let order = try counts.sortPermutation([SortKey(countName, ascending: false)])
        return counts.take(order)
    }

    /// Counts of rows for each pair of `index` and `columns` values: one row per index value, one column per
    /// `columns` value (pandas `crosstab`).
    public func pivotCounts(index: String, columns: String) throws(FrameError) -> DataFrame {
        let rows = try groupBy([index]), cols = try groupBy([columns])
        var counts = [[Int64]](repeating: [Int64](repeating: 0, count: rows.groupCount), count: cols.groupCount)
        for i in 0..<rowCount where rows.codes[i] >= 0 && cols.codes[i] >= 0 {
            counts[Int(cols.codes[i])][Int(rows.codes[i])] += 1
        }
        var out = try select([index]).take(rows.firstRows)
        let header = self[columns]
        for (j, r) in cols.firstRows.enumerated() { try out.append(Column(header[r].description, counts[j])) }
        return out
    }

    /// One row per element of a list column, other columns repeated; an empty or null list gives one row with null.
    public func explode(_ name: String) throws(FrameError) -> DataFrame {
        let c = try column(name)
        guard case .list(let lists) = c.storage else {
            throw FrameError(.typeMismatch, "column '\(name)' is \(c.type), explode needs a list column", field: name)
        }
        var idx: [Int] = []
        var items: [Value] = []
        for i in 0..<c.count {
            let l = c.isNull(i) ? [] : lists[lists.startIndex + i]
            if l.isEmpty { idx.append(i); items.append(.null) } else { for v in l { idx.append(i); items.append(v) } }
        }
        var out = DataFrame()
        for col in columns {
            if col.name == name { try out.append(Column(name, values: items)) } else { try out.append(col.take(idx)) }
        }
        return out
    }

    /// A column with its nulls replaced by `value`.
    public func fillNull(_ name: String, with value: Value) throws(FrameError) -> DataFrame {
        let c = try column(name)
        guard c.nullCount > 0 else { return self }
        var f = self
        let values = (0..<c.count).map { c.isNull($0) ? value : c[$0] }
        try f.setColumn(Column(name, values: values, type: c.type == .int64 && value.doubleValue.map { $0 != $0.rounded() } == true ? .double : c.type))
        return f
    }

    /// Rows with no null in the given columns (all columns by default).
    public func dropNulls(_ names: [String]? = nil) throws(FrameError) -> DataFrame {
        let cols = try (names ?? columnNames).map { n throws(FrameError) in try column(n) }
        return filter(mask: (0..<rowCount).map { i in !cols.contains { $0.isNull(i) } })
    }

    /// First row of each distinct combination of the given columns (all by default).
    public func dropDuplicates(_ names: [String]? = nil) throws(FrameError) -> DataFrame {
        let g = try groupBy(names ?? columnNames, sort: false, dropNullKeys: false)
        return take(g.firstRows.sorted())
    }
}
