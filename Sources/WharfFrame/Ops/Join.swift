/// Which rows a join keeps.
public enum JoinKind: String, Sendable, Codable {
    case inner, left, right, outer
}

extension DataFrame {
    /// Hash join on one or more key columns (same names on both sides). Null keys never match (SQL semantics).
    /// Columns other than the keys that exist on both sides get `suffixes` (pandas' `_x`, `_y`).
    public func join(_ other: DataFrame, on keys: [String], kind: JoinKind = .inner,
                     suffixes: (String, String) = ("_x", "_y")) throws(FrameError) -> DataFrame {
        try join(other, leftOn: keys, rightOn: keys, kind: kind, suffixes: suffixes)
    }

    /// Hash join with differently named keys; the output keeps the left key names.
    public func join(_ other: DataFrame, leftOn: [String], rightOn: [String], kind: JoinKind = .inner,
                     suffixes: (String, String) = ("_x", "_y")) throws(FrameError) -> DataFrame {
        guard !leftOn.isEmpty, leftOn.count == rightOn.count else {
            throw FrameError(.invalidArgument, "a join needs the same number (at least one) of left and right keys", field: "on")
        }
        var keyCols: [[Column]] = []
        for (l, r) in zip(leftOn, rightOn) {
            var a = try column(l), b = try other.column(r)
            if a.type != b.type {
                let text: Set<DataType> = [.string, .categorical]
                if a.type.isNumeric && b.type.isNumeric {
                    // 1 and 1.0 are the same key, as in pandas.
                    a = try a.cast(to: .double)
                    b = try b.cast(to: .double)
                } else if !(text.contains(a.type) && text.contains(b.type)) {
                    throw FrameError(.typeMismatch, "join key '\(l)' is \(a.type) on the left but '\(r)' is \(b.type) on the right", field: l)
                }
            }
            keyCols.append([a, b])
        }
        let (lc, rc, groups) = Self.joinCodes(keyCols)
        let (li, ri, leftInOrder) = Self.matchRows(left: lc, right: rc, groups: groups, kind: kind)
        let left = leftInOrder && li.count == rowCount ? self : take(li)
        let rightKeySet = Set(rightOn)
        // Right key columns are only needed for the keys of right-only rows.
        let rightNeeded = other.columns.filter { !rightKeySet.contains($0.name) || kind == .right || kind == .outer }
        let right = try DataFrame(rightNeeded).take(ri)
        var out = DataFrame()
        let leftNames = Set(columnNames), rightNames = Set(other.columnNames)
        for c in left.columns {
            if let k = leftOn.firstIndex(of: c.name) {
                // Keys from whichever side has the row (right-only rows of outer and right joins).
                let merged = (kind == .right || kind == .outer) ? Self.coalesce(c, right[rightOn[k]]) : c
                try out.append(merged)
            } else if rightNames.contains(c.name) && !rightKeySet.contains(c.name) {
                try out.append(c.renamed(c.name + suffixes.0))
            } else {
                try out.append(c)
            }
        }
        for c in right.columns where !rightKeySet.contains(c.name) {
            try out.append(leftNames.contains(c.name) ? c.renamed(c.name + suffixes.1) : c)
        }
        return out
    }

    /// Codes of the key tuples of both sides (-1 for null keys, and on the left for keys the right lacks).
    /// One integer key takes a fast path: a hash map of the right side only, probed by the left.
    static func joinCodes(_ keyCols: [[Column]]) -> (left: [Int32], right: [Int32], groups: Int) {
        if keyCols.count == 1, case .int64(let rv) = keyCols[0][1].storage, case .int64(let lv) = keyCols[0][0].storage {
            let rcol = keyCols[0][1], lcol = keyCols[0][0]
            // Dense right keys: an array indexed by key instead of a hash table.
            var lc = [Int32](repeating: -1, count: lv.count)
            var rc = [Int32](repeating: -1, count: rv.count)
            let dense: Int? = rv.withUnsafeBufferPointer { rp in
                guard var table = DirectKeyTable(rp, valid: rcol.validity, limit: Swift.max(4 * rp.count, 1 << 16)) else { return nil }
                rc.withUnsafeMutableBufferPointer { o in table.encode(rp, valid: rcol.validity, into: o) }
                lv.withUnsafeBufferPointer { lp in
                    lc.withUnsafeMutableBufferPointer { o in table.find(lp, valid: lcol.validity, into: o) }
                }
                return table.keys.count
            }
            if let dense { return (lc, rc, dense) }
            var map = Int64HashMap(capacity: rv.count)
            rv.withUnsafeBufferPointer { p in for i in 0..<p.count where !rcol.isNull(i) { rc[i] = map.code(for: p[i]) } }
            lv.withUnsafeBufferPointer { p in
                lc.withUnsafeMutableBufferPointer { out in map.findAll(p, into: out, valid: lcol.validity) }
            }
            return (lc, rc, map.count)
        }
        let (codes, groups) = KeyCoder.combined(keyCols)
        return (codes[0], codes[1], groups)
    }

    /// Row pairs of a join from key codes: left index and right index per output row (-1 for the missing side),
    /// and whether the left rows come out exactly once each and in order (as in a many-to-one join where every
    /// row matches), in which case the left columns are used without a gather.
    static func matchRows(left lc: [Int32], right rc: [Int32], groups: Int, kind: JoinKind) -> (left: [Int], right: [Int], leftInOrder: Bool) {
        // Right side as chained buckets: head[code] -> row -> next[row] ... (-1 ends), in row order.
        var head = [Int](repeating: -1, count: groups)
        var next = [Int](repeating: -1, count: rc.count)
        var multiplicity = [Int](repeating: 0, count: groups)
        for i in stride(from: rc.count - 1, through: 0, by: -1) where rc[i] >= 0 {
            let c = Int(rc[i])
            next[i] = head[c]
            head[c] = i
            multiplicity[c] += 1
        }
        let keepLeft = kind == .left || kind == .outer
        let keepRight = kind == .right || kind == .outer
        // Exact output size first, so the pairs are written through pointers without growing arrays.
        var total = 0
        var leftInOrder = true
        for c in lc {
            let m = c >= 0 ? multiplicity[Int(c)] : 0
            if m == 0 {
                if keepLeft { total += 1 } else { leftInOrder = false }
            } else {
                total += m
                if m > 1 { leftInOrder = false }
            }
        }
        var matched = keepRight ? [Bool](repeating: false, count: rc.count) : []
        var li = [Int](repeating: -1, count: total), ri = [Int](repeating: -1, count: total)
        li.withUnsafeMutableBufferPointer { lo in
            ri.withUnsafeMutableBufferPointer { ro in
                var k = 0
                for i in 0..<lc.count {
                    var j = lc[i] >= 0 ? head[Int(lc[i])] : -1
                    if j < 0 {
                        if keepLeft { lo[k] = i; k += 1 }
                        continue
                    }
                    while j >= 0 {
                        lo[k] = i
                        ro[k] = j
                        k += 1
                        if keepRight { matched[j] = true }
                        j = next[j]
                    }
                }
            }
        }
        if keepRight {
            for j in 0..<rc.count where !matched[j] { li.append(-1); ri.append(j) }
        }
        return (li, ri, leftInOrder)
    }

    /// Values of `a`, with `b`'s where `a` is null.
    static func coalesce(_ a: Column, _ b: Column) -> Column {
        guard a.nullCount > 0 else { return a }
        let values = (0..<a.count).map { a.isNull($0) ? b[$0] : a[$0] }
        return Column(a.name, values: values, type: a.type == b.type ? a.type : nil)
    }
}
