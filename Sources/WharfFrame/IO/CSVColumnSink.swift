/// The final array of one column, which parser threads fill at disjoint row ranges through a raw pointer;
/// the column then takes the array as it is (no copy).
final class CSVColumnSink: @unchecked Sendable {
    /// A raw view of the array for the parser's inner loop.
    struct Slot: @unchecked Sendable {
        enum Kind: UInt8 { case int64, double, float, bool, string, date, timestamp }
        let kind: Kind
        let pointer: UnsafeMutableRawPointer
    }

    enum Storage {
        case int64([Int64])
        case double([Double])
        case float([Float])
        case bool([Bool])
        case string([String])
        case date([Int32])
        case timestamp([Int64])
    }

    let name: String
    /// The type asked for (categorical is parsed as string and encoded at the end).
    let type: DataType
    private(set) var storage: Storage
    let capacity: Int

    init(name: String, type: DataType, capacity: Int) {
        self.name = name
        self.type = type
        self.capacity = capacity
        // Numbers get uninitialized arrays (every row is written before it is read); strings start as "".
        // At least one element, so every array has a base address.
        let n = Swift.max(capacity, 1)
        func raw<T>(_: T.Type) -> [T] { [T](unsafeUninitializedCapacity: n) { _, c in c = n } }
        switch type {
        case .int64: storage = .int64(raw(Int64.self))
        case .double: storage = .double(raw(Double.self))
        case .float: storage = .float(raw(Float.self))
        case .bool: storage = .bool([Bool](repeating: false, count: n))
        case .date: storage = .date(raw(Int32.self))
        case .timestamp: storage = .timestamp(raw(Int64.self))
        case .string, .categorical, .json, .list: storage = .string([String](repeating: "", count: n))
        }
    }

    /// Runs `body` with a slot for the array (valid only during the call).
    func withSlot<R>(_ body: (Slot) -> R) -> R {
        func with<T>(_ a: inout [T], _ kind: Slot.Kind) -> R {
            a.withUnsafeMutableBufferPointer { p in body(Slot(kind: kind, pointer: UnsafeMutableRawPointer(p.baseAddress!))) }
        }
        switch storage {
        case .int64(var a): storage = .int64([]); defer { storage = .int64(a) }; return with(&a, .int64)
        case .double(var a): storage = .double([]); defer { storage = .double(a) }; return with(&a, .double)
        case .float(var a): storage = .float([]); defer { storage = .float(a) }; return with(&a, .float)
        case .bool(var a): storage = .bool([]); defer { storage = .bool(a) }; return with(&a, .bool)
        case .string(var a): storage = .string([]); defer { storage = .string(a) }; return with(&a, .string)
        case .date(var a): storage = .date([]); defer { storage = .date(a) }; return with(&a, .date)
        case .timestamp(var a): storage = .timestamp([]); defer { storage = .timestamp(a) }; return with(&a, .timestamp)
        }
    }

    /// Slots for every sink at once, each valid for the whole call (nested so no pointer escapes its array).
    static func withSlots<R>(_ sinks: ArraySlice<CSVColumnSink>, _ collected: [Slot] = [], _ body: ([Slot]) -> R) -> R {
        guard let first = sinks.first else { return body(collected) }
        return first.withSlot { slot in withSlots(sinks.dropFirst(), collected + [slot], body) }
    }

    /// Copies rows `from..<from+count` down to `to` (compaction after segments that had blank lines).
    func move(from: Int, to: Int, count: Int) {
        guard from != to, count > 0 else { return }
        func shift<T>(_ a: inout [T]) { for k in 0..<count { a[to + k] = a[from + k] } }
        switch storage {
        case .int64(var a): storage = .int64([]); shift(&a); storage = .int64(a)
        case .double(var a): storage = .double([]); shift(&a); storage = .double(a)
        case .float(var a): storage = .float([]); shift(&a); storage = .float(a)
        case .bool(var a): storage = .bool([]); shift(&a); storage = .bool(a)
        case .string(var a): storage = .string([]); shift(&a); storage = .string(a)
        case .date(var a): storage = .date([]); shift(&a); storage = .date(a)
        case .timestamp(var a): storage = .timestamp([]); shift(&a); storage = .timestamp(a)
        }
    }

    /// The first `count` rows as a column.
    func finish(count: Int, nullRows: [Int]) throws(FrameError) -> Column {
        func cut<T>(_ a: [T]) -> ArraySlice<T> { a[0..<count] }
        var validity: ValidityBitmap? = nil
        if !nullRows.isEmpty {
            var bits = ValidityBitmap(count: count)
            for r in nullRows { bits[r] = false }
            validity = bits
        }
        let st: Column.Storage
        switch storage {
        case .int64(let a): st = .int64(cut(a))
        case .double(let a): st = .double(cut(a))
        case .float(let a): st = .float(cut(a))
        case .bool(let a): st = .bool(cut(a))
        case .string(let a): st = type == .json ? .json(cut(a)) : .string(cut(a))
        case .date(let a): st = .date(cut(a))
        case .timestamp(let a): st = .timestamp(cut(a))
        }
        storage = .bool([])
        let column = Column(name: name, storage: st, validity: validity)
        return type == .categorical ? try column.asCategorical() : column
    }
}
