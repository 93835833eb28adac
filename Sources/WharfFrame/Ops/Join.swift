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
        // Right side as chained buckets: head[code] -> row -> next[row] ... (-1 ends), in row order.
        var head = [Int](repeating: -1, count: groups)
        var next = [Int](repeating: -1, count: rc.count)
        for i in stride(from: rc.count - 1, through: 0, by: -1) where rc[i] >= 0 {
            next[i] = head[Int(rc[i])]
            head[Int(rc[i])] = i
        }
        var li: [Int] = [], ri: [Int] = []
        li.reserveCapacity(Swift.max(lc.count, rc.count))
        ri.reserveCapacity(Swift.max(lc.count, rc.count))
        var matched = kind == .right || kind == .outer ? [Bool](repeating: false, count: rc.count) : []
        // Whether the left rows come out exactly once each and in order (every left row matched once, as in a
        // many-to-one join): then the left columns are used as they are, without a gather.
        var leftInOrder = true
        for i in 0..<lc.count {
            var j = lc[i] >= 0 ? head[Int(lc[i])] : -1
            if j < 0 {
                if kind == .left || kind == .outer { li.append(i); ri.append(-1) } else { leftInOrder = false }
                continue
            }
            if next[j] >= 0 { leftInOrder = false }
            while j >= 0 {
                li.append(i)
                ri.append(j)
                if !matched.isEmpty { matched[j] = true }
                j = next[j]
            }
        }
        if kind == .right || kind == .outer {
            for j in 0..<rc.count where !matched[j] { li.append(-1); ri.append(j) }
        }
        let left = leftInOrder && li.count == rowCount ? self : take(li)
        let right = other.take(ri)
        var out = DataFrame()
        let rightKeySet = Set(rightOn)
        let leftNames = Set(columnNames), rightNames = Set(other.columnNames)
        for c in left.columns {
            if let k = leftOn.firstIndex(of: c.name) {
                // Keys from whichever side has the row (right-only rows of outer and right joins).
                let rk = right[rightOn[k]]
                let merged = (kind == .right || kind == .outer) ? Self.coalesce(c, rk) : c
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
            var map = Int64HashMap(capacity: rv.count)
            var rc = [Int32](repeating: -1, count: rv.count)
            rv.withUnsafeBufferPointer { p in for i in 0..<p.count where !rcol.isNull(i) { rc[i] = map.code(for: p[i]) } }
            var lc = [Int32](repeating: -1, count: lv.count)
            lv.withUnsafeBufferPointer { p in
                lc.withUnsafeMutableBufferPointer { out in map.findAll(p, into: out, valid: lcol.validity) }
            }
            return (lc, rc, map.count)
        }
        let (codes, groups) = KeyCoder.combined(keyCols)
        return (codes[0], codes[1], groups)
    }

    /// Values of `a`, with `b`'s where `a` is null.
    static func coalesce(_ a: Column, _ b: Column) -> Column {
        guard a.nullCount > 0 else { return a }
        let values = (0..<a.count).map { a.isNull($0) ? b[$0] : a[$0] }
        return Column(a.name, values: values, type: a.type == b.type ? a.type : nil)
    }
}
