import Dispatch
import Foundation

/// Turns key columns into dense Int32 codes (equal keys, equal codes), shared across frames for joins.
/// Null keys get code -1. One coder encodes one kind of key (numbers, text or lists): joins cast or reject
/// mixed key types before encoding.
struct KeyCoder {
    private var ints = Int64HashMap()
    private var strings = StringHashMap()
    private var lists: [[Value]: Int32] = [:]
    private(set) var count: Int32 = 0

    mutating func encode(_ column: Column) -> [Int32] {
        if count == 0, column.count >= 4096, let codes = encodeDense(column) { return codes }
        if count == 0, column.count >= 1 << 20, let codes = encodeInParallel(column) { return codes }
        return encodeSerially(column)
    }

    /// Integer keys in a range at most a few times the row count go through a `DirectKeyTable`; the keys are then
    /// entered in this coder's map in code order, so later `encode` calls agree with these codes.
    private mutating func encodeDense(_ column: Column) -> [Int32]? {
        let values: ArraySlice<Int64>
        switch column.storage {
        case .int64(let v), .timestamp(let v): values = v
        default: return nil
        }
        var out = [Int32](repeating: -1, count: column.count)
        let keys: [Int64]? = values.withUnsafeBufferPointer { p in
            guard var table = DirectKeyTable(p, valid: column.validity, limit: Swift.max(4 * p.count, 1 << 16)) else { return nil }
            out.withUnsafeMutableBufferPointer { o in table.encode(p, valid: column.validity, into: o) }
            return table.keys
        }
        guard let keys else { return nil }
        for k in keys { _ = ints.code(for: k) }
        count = Int32(ints.count)
        return out
    }

    /// Large integer or string key columns: each core encodes a part with its own map, then the parts' distinct
    /// keys are merged into this coder in part order (so codes still follow first appearance) and the parts'
    /// codes are translated, again in parallel.
    private mutating func encodeInParallel(_ column: Column) -> [Int32]? {
        switch column.storage {
        case .int64, .timestamp, .string: break
        default: return nil
        }
        let n = column.count
        let parts = Swift.max(2, ProcessInfo.processInfo.activeProcessorCount)
        let bounds = (0...parts).map { $0 * n / parts }
        // Each part writes its local codes straight into its range of the result, then translates them in place.
        var out = [Int32](unsafeUninitializedCapacity: n) { _, c in c = n }
        let locals = ParallelSlots<(ints: [Int64], strings: [String])?>(parts, nil)
        out.withUnsafeMutableBufferPointer { o in
            let target = SendablePointer(o.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                var coder = KeyCoder()
                let range = UnsafeMutableBufferPointer(start: target.pointer + bounds[k], count: bounds[k + 1] - bounds[k])
                coder.encodeSerially(column.slice(bounds[k]..<bounds[k + 1]), into: range)
                locals[k] = (coder.ints.keysByCode(), coder.strings.keys)
            }
        }
        var translations: [[Int32]] = []
        for k in 0..<parts {
            let local = locals[k]!
            if case .string = column.storage {
                translations.append(local.strings.map { strings.code(for: $0) })
            } else {
                translations.append(local.ints.map { ints.code(for: $0) })
            }
        }
        count = Int32(Swift.max(ints.count, strings.count))
        let tables = translations
        out.withUnsafeMutableBufferPointer { o in
            let target = SendablePointer(o.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                tables[k].withUnsafeBufferPointer { table in
                    for i in bounds[k]..<bounds[k + 1] {
                        let c = target.pointer[i]
                        if c >= 0 { target.pointer[i] = table[Int(c)] }
                    }
                }
            }
        }
        return out
    }

    mutating func encodeSerially(_ column: Column) -> [Int32] {
        let n = column.count
        var out = [Int32](unsafeUninitializedCapacity: n) { _, c in c = n }
        out.withUnsafeMutableBufferPointer { o in encodeSerially(column, into: o) }
        return out
    }

    /// Writes the code of every row (-1 for nulls) to `out`, which has one element per row.
    mutating func encodeSerially(_ column: Column, into o: UnsafeMutableBufferPointer<Int32>) {
        let n = column.count
        func ints(_ v: ArraySlice<Int64>) {
            v.withUnsafeBufferPointer { p in self.ints.encodeAll(p, into: o, valid: column.validity) }
            count = Int32(self.ints.count)
        }
        switch column.storage {
        case .int64(let v), .timestamp(let v): ints(v)
        case .date(let v): ints(ArraySlice(v.map { Int64($0) }))
        case .bool(let v): ints(ArraySlice(v.map { $0 ? 1 : 0 }))
        case .double(let v): ints(ArraySlice(v.map { $0 == 0 ? 0 : Int64(bitPattern: $0.bitPattern) }))
        case .float(let v): ints(ArraySlice(v.map { $0 == 0 ? 0 : Int64(bitPattern: Double($0).bitPattern) }))
        case .string(let v), .json(let v):
            v.withUnsafeBufferPointer { p in strings.encodeAll(p, into: o, valid: column.validity) }
            count = Int32(strings.count)
        case .categorical(let c, let levels):
            let levelCodes = levels.map { strings.code(for: $0) }
            for i in 0..<n { o[i] = column.isNull(i) ? -1 : levelCodes[Int(c[c.startIndex + i])] }
            count = Int32(strings.count)
        case .list(let v):
            for i in 0..<n {
                o[i] = -1
                guard !column.isNull(i) else { continue }
                let key = v[v.startIndex + i]
                if let c = lists[key] { o[i] = c } else { lists[key] = count; o[i] = count; count += 1 }
            }
        }
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

/// A pointer handed to parallel tasks that write disjoint ranges.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
