/// Integer keys within a small range (ids 0..<n, codes, years) indexed by `key - minimum` in a plain array:
/// no hashing, one access per row. Used when the range is at most a few times the row count.
struct DirectKeyTable {
    let minimum: Int64
    private(set) var table: [Int32]
    /// Keys in order of their codes.
    private(set) var keys: [Int64] = []

    /// Nil when the keys (ignoring nulls) span more than `limit` values or there are none.
    init?(_ values: UnsafeBufferPointer<Int64>, valid: ValidityBitmap?, limit: Int) {
        var lo = Int64.max, hi = Int64.min
        for i in 0..<values.count where valid?[i] ?? true {
            lo = Swift.min(lo, values[i])
            hi = Swift.max(hi, values[i])
        }
        guard lo <= hi else { return nil }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < Int64(limit) else { return nil }
        minimum = lo
        table = [Int32](repeating: -1, count: Int(span) + 1)
    }

    /// Codes in order of first appearance (-1 for nulls).
    mutating func encode(_ values: UnsafeBufferPointer<Int64>, valid: ValidityBitmap?, into out: UnsafeMutableBufferPointer<Int32>) {
        let lo = minimum
        var next = Int32(keys.count)
        var added: [Int64] = []
        table.withUnsafeMutableBufferPointer { t in
            for i in 0..<values.count {
                if let valid, !valid[i] { out[i] = -1; continue }
                let k = Int(values[i] &- lo)
                var c = t[k]
                if c < 0 {
                    c = next
                    t[k] = c
                    next += 1
                    added.append(values[i])
                }
                out[i] = c
            }
        }
        keys.append(contentsOf: added)
    }

    /// The code of each value, -1 when null or not in the table.
    func find(_ values: UnsafeBufferPointer<Int64>, valid: ValidityBitmap?, into out: UnsafeMutableBufferPointer<Int32>) {
        let lo = minimum
        let size = UInt64(table.count)
        table.withUnsafeBufferPointer { t in
            for i in 0..<values.count {
                if let valid, !valid[i] { out[i] = -1; continue }
                let k = UInt64(bitPattern: values[i] &- lo)
                out[i] = k < size ? t[Int(k)] : -1
            }
        }
    }
}
