/// Turns key columns into dense Int32 codes (equal keys, equal codes), shared across frames for joins.
/// Null keys get code -1.
struct KeyCoder {
    private var ints = Int64HashMap()
    private var strings = StringHashMap()
    /// Codes of `strings` keys in this coder's code space (ints and strings can share one coder).
    private var stringCodes: [Int32] = []
    private var lists: [[Value]: Int32] = [:]
    private(set) var count: Int32 = 0

    mutating func encode(_ column: Column) -> [Int32] {
        let n = column.count
        var out = [Int32](repeating: -1, count: n)
        func ints<T>(_ v: ArraySlice<T>, _ key: (T) -> Int64) {
            v.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<n where !column.isNull(i) {
                        let c = self.ints.code(for: key(p[i]))
                        o[i] = c
                    }
                }
            }
            count = Int32(self.ints.count)
        }
        switch column.storage {
        case .int64(let v), .timestamp(let v): ints(v) { $0 }
        case .date(let v): ints(v) { Int64($0) }
        case .bool(let v): ints(v) { $0 ? 1 : 0 }
        case .double(let v): ints(v) { $0 == 0 ? 0 : Int64(bitPattern: $0.bitPattern) }
        case .float(let v): ints(v) { $0 == 0 ? 0 : Int64(bitPattern: Double($0).bitPattern) }
        case .string(let v), .json(let v):
            for i in 0..<n where !column.isNull(i) { out[i] = stringCode(v[v.startIndex + i]) }
        case .categorical(let c, let levels):
            let levelCodes = levels.map { stringCode($0) }
            for i in 0..<n where !column.isNull(i) { out[i] = levelCodes[Int(c[c.startIndex + i])] }
        case .list(let v):
            for i in 0..<n where !column.isNull(i) {
                let key = v[v.startIndex + i]
                if let c = lists[key] { out[i] = c } else { lists[key] = count; out[i] = count; count += 1 }
            }
        }
        return out
    }

    @inline(__always) private mutating func stringCode(_ s: String) -> Int32 {
        let k = Int(strings.code(for: s))
        if k == stringCodes.count {
            stringCodes.append(count)
            count += 1
        }
        return stringCodes[k]
    }

    /// Codes of several key columns combined into one code per distinct tuple (-1 when any part is null).
    static func combined(_ columns: [[Column]]) -> (codes: [[Int32]], groups: Int) {
        // columns[k][f]: key k of frame f.
        let frames = columns.first?.count ?? 0
        var result: [[Int32]] = columns.first.map { keyCols in
            var coder = KeyCoder()
            return keyCols.map { coder.encode($0) }
        } ?? []
        var groups = 0
        if columns.count == 1 {
            groups = Int(result.reduce(Int32(-1)) { max($0, $1.max() ?? -1) }) + 1
        }
        for k in 1..<max(columns.count, 1) {
            var coder = KeyCoder()
            let next = columns[k].map { coder.encode($0) }
            var pairs = Int64HashMap()
            for f in 0..<frames {
                let a = result[f], b = next[f]
                var out = [Int32](repeating: -1, count: a.count)
                for i in 0..<a.count where a[i] >= 0 && b[i] >= 0 {
                    out[i] = pairs.code(for: Int64(a[i]) << 32 | Int64(b[i]))
                }
                result[f] = out
            }
            groups = pairs.count
        }
        return (result, groups)
    }
}
