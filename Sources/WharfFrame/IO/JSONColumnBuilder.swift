/// One column's values while JSON records are read into it: a typed array while the values agree on a type, the
/// values themselves once they do not. The finished column is typed exactly as `Column(_:values:)` would type the
/// values read, and those values can still be had as read (to type a column again from all parts of a file), without
/// a `Value` per row in the common case.
struct JSONColumnBuilder {
    enum Kind {
        case empty, int64, double, bool, string, list, values
        /// Ints and doubles: each row in `doubles` (as `Column(_:values:)` would convert it) and, when it was an
        /// int, in `ints` as read.
        case numbers
    }

    let name: String
    private(set) var kind = Kind.empty
    private(set) var count = 0
    /// Whether a value was a nested object kept as JSON text.
    private(set) var isJSON = false
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    /// For `numbers`: whether each row was read as a double.
    private var wasDouble: [Bool] = []
    private var bools: [Bool] = []
    private var strings: [String] = []
    private var lists: [[Value]] = []
    private var values: [Value] = []
    /// Bit i set when row i holds a value.
    private var words: [UInt64] = []
    /// Rows the column is expected to reach, so its arrays grow once.
    private var expectedRows = 0

    init(name: String) { self.name = name }

    /// Makes `row` the next row to write: rows a record skipped become nulls, and a key repeated within one record
    /// replaces the value written before (the last one wins; the column keeps values from then on, since the value
    /// replaced may have changed its type).
    @inline(__always) mutating func moveTo(row: Int) {
        if count == row { return }
        if count > row {
            keepValues()
            dropLast()
            return
        }
        while count < row { appendNull() }
    }

    mutating func appendNull() {
        switch kind {
        case .empty: break
        case .int64: ints.append(0)
        case .double: doubles.append(0)
        case .numbers: ints.append(0); doubles.append(0); wasDouble.append(false)
        case .bool: bools.append(false)
        case .string: strings.append("")
        case .list: lists.append([])
        case .values: values.append(.null)
        }
        if count & 63 == 0 { words.append(0) }
        count += 1
    }

    @inline(__always) private mutating func markValid() {
        if count & 63 == 0 { words.append(0) }
        words[count >> 6] |= 1 << UInt64(count & 63)
        count += 1
    }

    mutating func append(_ v: Int64) {
        switch kind {
        case .int64: ints.append(v)
        case .double:
            becomeNumbers()
            ints.append(v); doubles.append(Double(v)); wasDouble.append(false)
        case .numbers: ints.append(v); doubles.append(Double(v)); wasDouble.append(false)
        case .empty: become(.int64); ints.append(v)
        default: appendMixed(.int(v)); return
        }
        markValid()
    }

    mutating func append(_ v: Double) {
        if v.isNaN { appendNull(); return }
        switch kind {
        case .double: doubles.append(v)
        case .int64:
            becomeNumbers()
            ints.append(0); doubles.append(v); wasDouble.append(true)
        case .numbers: ints.append(0); doubles.append(v); wasDouble.append(true)
        case .empty: become(.double); doubles.append(v)
        default: appendMixed(.double(v)); return
        }
        markValid()
    }

    mutating func append(_ v: Bool) {
        switch kind {
        case .bool: bools.append(v)
        case .empty: become(.bool); bools.append(v)
        default: appendMixed(.bool(v)); return
        }
        markValid()
    }

    mutating func append(_ v: String) {
        switch kind {
        case .string: strings.append(v)
        case .empty: become(.string); strings.append(v)
        default: appendMixed(.string(v)); return
        }
        markValid()
    }

    mutating func append(list v: [Value]) {
        switch kind {
        case .list: lists.append(v)
        case .empty: become(.list); lists.append(v)
        default: appendMixed(.list(v)); return
        }
        markValid()
    }

    /// A nested object kept as its JSON text: the column becomes a JSON column.
    mutating func append(json text: String) {
        isJSON = true
        appendMixed(.string(text))
    }

    /// A value of another type than the column's so far: from here on the column keeps values.
    private mutating func appendMixed(_ v: Value) {
        keepValues()
        values.append(v)
        markValid()
    }

    private mutating func keepValues() {
        guard kind != .values else { return }
        var all = allValues()
        all.reserveCapacity(Swift.max(count + 1, 16))
        values = all
        ints = []; doubles = []; wasDouble = []; bools = []; strings = []; lists = []
        kind = .values
    }

    /// Turns a column of nulls only into one of `k`, with a filler value for each null so far.
    private mutating func become(_ k: Kind) {
        kind = k
        switch k {
        case .int64: ints = Array(repeating: 0, count: count)
        case .double: doubles = Array(repeating: 0, count: count)
        case .bool: bools = Array(repeating: false, count: count)
        case .string: strings = Array(repeating: "", count: count)
        case .list: lists = Array(repeating: [], count: count)
        case .values: values = Array(repeating: .null, count: count)
        case .numbers, .empty: break
        }
        reserve(rows: expectedRows)
    }

    /// Room for `rows` rows in the arrays in use (and in those a first value creates).
    mutating func reserve(rows: Int) {
        expectedRows = rows
        words.reserveCapacity((rows + 63) >> 6)
        switch kind {
        case .empty: break
        case .int64: ints.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .numbers: ints.reserveCapacity(rows); doubles.reserveCapacity(rows); wasDouble.reserveCapacity(rows)
        case .bool: bools.reserveCapacity(rows)
        case .string: strings.reserveCapacity(rows)
        case .list: lists.reserveCapacity(rows)
        case .values: values.reserveCapacity(rows)
        }
    }

    /// Ints met doubles (or doubles met ints): both kept, so the values read can still be given back.
    private mutating func becomeNumbers() {
        if kind == .int64 {
            doubles = ints.map { Double($0) }
            wasDouble = Array(repeating: false, count: count)
        } else {
            ints = Array(repeating: 0, count: count)
            wasDouble = Array(repeating: true, count: count)
        }
        kind = .numbers
    }

    private mutating func dropLast() {
        count -= 1
        words[count >> 6] &= ~(1 << UInt64(count & 63))
        if count & 63 == 0 { words.removeLast() }
        switch kind {
        case .empty: break
        case .int64: ints.removeLast()
        case .double: doubles.removeLast()
        case .numbers: ints.removeLast(); doubles.removeLast(); wasDouble.removeLast()
        case .bool: bools.removeLast()
        case .string: strings.removeLast()
        case .list: lists.removeLast()
        case .values: values.removeLast()
        }
    }

    /// Rows after the last value written, up to `rows`, become nulls.
    mutating func pad(to rows: Int) {
        while count < rows { appendNull() }
    }

    /// The values as read, one per row.
    func allValues() -> [Value] {
        if kind == .values { return values }
        return (0..<count).map { i -> Value in
            guard words[i >> 6] & (1 << UInt64(i & 63)) != 0 else { return .null }
            switch kind {
            case .empty: return .null
            case .int64: return .int(ints[i])
            case .double: return .double(doubles[i])
            case .numbers: return wasDouble[i] ? .double(doubles[i]) : .int(ints[i])
            case .bool: return .bool(bools[i])
            case .string: return .string(strings[i])
            case .list: return .list(lists[i])
            case .values: return values[i]
            }
        }
    }

    /// The finished column, typed as `Column(_:values:)` types `allValues()`.
    func column() -> Column {
        let validity = ValidityBitmap(words: words, count: count)
        switch kind {
        case .empty:
            return Column(name: name, storage: .string(ArraySlice(repeating: "", count: count)), validity: validity)
        case .int64: return Column(name: name, storage: .int64(ArraySlice(ints)), validity: validity)
        case .double, .numbers: return Column(name: name, storage: .double(ArraySlice(doubles)), validity: validity)
        case .bool: return Column(name: name, storage: .bool(ArraySlice(bools)), validity: validity)
        case .string: return Column(name: name, storage: .string(ArraySlice(strings)), validity: validity)
        case .list: return Column(name: name, storage: .list(ArraySlice(lists)), validity: validity)
        case .values: return Column(name, values: values)
        }
    }
}

extension JSONColumnBuilder {
    /// The type of the finished column, nil when it holds no value (a part of nulls says nothing about the type).
    var valueType: DataType? {
        switch kind {
        case .empty: return nil
        case .int64: return .int64
        case .double, .numbers: return .double
        case .bool: return .bool
        case .string: return .string
        case .list: return .list
        case .values: return values.allSatisfy(\.isNull) ? nil : Column.inferType(values)
        }
    }

    /// One column from the builders of its parts in file order (nil where a part lacks the column). When the parts
    /// with values agree on a typed array, the arrays are moved one after another into the column (a string is
    /// not copied, so not retained and released again); else the column is typed from all the values as read.
    static func join(_ name: String, _ parts: inout [JSONColumnBuilder?], rows: [Int], json: Bool) -> Column {
        if !json {
            if parts.count == 1, let only = parts[0] { return only.column() }
            let types = Set(parts.compactMap { $0?.valueType })
            if types.count <= 1, !parts.contains(where: { $0?.kind == .values }) {
                return joinTyped(name, &parts, rows: rows, type: types.first)
            }
        }
        var all: [Value] = []
        all.reserveCapacity(rows.reduce(0, +))
        for (p, n) in zip(parts, rows) { all.append(contentsOf: p?.allValues() ?? Array(repeating: .null, count: n)) }
        return Column(name, values: all, type: json ? .json : nil)
    }

    /// Parts whose values all have `type` (nil: no part has a value), joined array to array.
    private static func joinTyped(_ name: String, _ parts: inout [JSONColumnBuilder?], rows: [Int], type: DataType?) -> Column {
        var bits = ValidityBitmap(count: 0)
        for (p, n) in zip(parts, rows) {
            if let p, p.valueType == type {
                bits.append(contentsOf: ValidityBitmap(words: p.words, count: p.count))
            } else {
                bits.append(repeating: false, count: n)
            }
        }
        let storage: Column.Storage
        switch type {
        case .int64?: storage = .int64(ArraySlice(moved(&parts, rows: rows, fill: 0) { $0.kind == .int64 ? take(&$0.ints) : nil }))
        case .double?:
            storage = .double(ArraySlice(moved(&parts, rows: rows, fill: 0) {
                $0.kind == .double || $0.kind == .numbers ? take(&$0.doubles) : nil
            }))
        case .bool?: storage = .bool(ArraySlice(moved(&parts, rows: rows, fill: false) { $0.kind == .bool ? take(&$0.bools) : nil }))
        case .list?: storage = .list(ArraySlice(moved(&parts, rows: rows, fill: []) { $0.kind == .list ? take(&$0.lists) : nil }))
        default:
            storage = .string(ArraySlice(moved(&parts, rows: rows, fill: "") { $0.kind == .string ? take(&$0.strings) : nil }))
        }
        return Column(name: name, storage: storage, validity: bits)
    }

    private static func take<T>(_ a: inout [T]) -> [T] {
        let out = a
        a = []
        return out
    }

    /// The arrays `take` gives up, one after another (`fill` for a part it has none for), each element moved: the
    /// array it came from is left holding `fill`, so freeing it frees no element.
    private static func moved<T>(_ parts: inout [JSONColumnBuilder?], rows: [Int], fill: T,
                                 _ take: (inout JSONColumnBuilder) -> [T]?) -> [T] {
        [T](unsafeUninitializedCapacity: rows.reduce(0, +)) { out, initialized in
            var at = 0
            for k in parts.indices {
                let n = rows[k]
                let target = UnsafeMutableBufferPointer(rebasing: out[at..<(at + n)])
                if parts[k] != nil, var piece = take(&parts[k]!) {
                    piece.withUnsafeMutableBufferPointer { source in
                        _ = target.moveInitialize(fromContentsOf: source)
                        if !_isPOD(T.self) { source.initialize(repeating: fill) }
                    }
                } else {
                    target.initialize(repeating: fill)
                }
                at += n
            }
            initialized = at
        }
    }
}
