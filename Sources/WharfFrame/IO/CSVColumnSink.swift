/// Typed output buffers that parser threads fill at disjoint row ranges; turned into columns at the end.
final class CSVColumnSink: @unchecked Sendable {
    enum Buffer {
        case int64(UnsafeMutablePointer<Int64>)
        case double(UnsafeMutablePointer<Double>)
        case float(UnsafeMutablePointer<Float>)
        case bool(UnsafeMutablePointer<Bool>)
        case string(UnsafeMutablePointer<String>)
        case date(UnsafeMutablePointer<Int32>)
        case timestamp(UnsafeMutablePointer<Int64>)
    }

    let name: String
    /// The type asked for (categorical is parsed as string and encoded at the end).
    let type: DataType
    let buffer: Buffer
    let capacity: Int

    init(name: String, type: DataType, capacity: Int) {
        self.name = name
        self.type = type
        self.capacity = capacity
        let c = max(capacity, 1)
        switch type {
        case .int64: buffer = .int64(.allocate(capacity: c))
        case .double: buffer = .double(.allocate(capacity: c))
        case .float: buffer = .float(.allocate(capacity: c))
        case .bool: buffer = .bool(.allocate(capacity: c))
        case .date: buffer = .date(.allocate(capacity: c))
        case .timestamp: buffer = .timestamp(.allocate(capacity: c))
        case .string, .categorical, .json, .list: buffer = .string(.allocate(capacity: c))
        }
    }

    /// Moves rows `from..<from+count` down to `to` (compaction after segments that had blank lines).
    func move(from: Int, to: Int, count: Int) {
        guard from != to, count > 0 else { return }
        switch buffer {
        case .int64(let p): (p + to).moveInitialize(from: p + from, count: count)
        case .double(let p): (p + to).moveInitialize(from: p + from, count: count)
        case .float(let p): (p + to).moveInitialize(from: p + from, count: count)
        case .bool(let p): (p + to).moveInitialize(from: p + from, count: count)
        case .string(let p): (p + to).moveInitialize(from: p + from, count: count)
        case .date(let p): (p + to).moveInitialize(from: p + from, count: count)
        case .timestamp(let p): (p + to).moveInitialize(from: p + from, count: count)
        }
    }

    /// Destroys initialized rows `range` (strings own memory) after a failed parse.
    func deinitialize(_ range: Range<Int>) {
        if case .string(let p) = buffer, !range.isEmpty { (p + range.lowerBound).deinitialize(count: range.count) }
    }

    func deallocate() {
        switch buffer {
        case .int64(let p): p.deallocate()
        case .double(let p): p.deallocate()
        case .float(let p): p.deallocate()
        case .bool(let p): p.deallocate()
        case .string(let p): p.deallocate()
        case .date(let p): p.deallocate()
        case .timestamp(let p): p.deallocate()
        }
    }

    /// Moves the first `count` rows into a column and frees the buffer.
    func finish(count: Int, nullRows: [Int]) throws(FrameError) -> Column {
        func take<T>(_ p: UnsafeMutablePointer<T>) -> ArraySlice<T> {
            let a = [T](unsafeUninitializedCapacity: count) { b, c in
                if count > 0 { b.baseAddress!.moveInitialize(from: p, count: count) }
                c = count
            }
            p.deallocate()
            return ArraySlice(a)
        }
        var validity: ValidityBitmap? = nil
        if !nullRows.isEmpty {
            var bits = ValidityBitmap(count: count)
            for r in nullRows { bits[r] = false }
            validity = bits
        }
        let storage: Column.Storage
        switch buffer {
        case .int64(let p): storage = .int64(take(p))
        case .double(let p): storage = .double(take(p))
        case .float(let p): storage = .float(take(p))
        case .bool(let p): storage = .bool(take(p))
        case .string(let p): storage = type == .json ? .json(take(p)) : .string(take(p))
        case .date(let p): storage = .date(take(p))
        case .timestamp(let p): storage = .timestamp(take(p))
        }
        let column = Column(name: name, storage: storage, validity: validity)
        return type == .categorical ? try column.asCategorical() : column
    }
}
