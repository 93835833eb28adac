/// A named, typed, nullable column over a contiguous buffer; slicing shares the buffer.
public struct Column: Sendable {
    /// The typed values; a null row holds a filler value (0, "", false) that is never read as data.
    public enum Storage: Sendable {
        case int64(ArraySlice<Int64>)
        case double(ArraySlice<Double>)
        /// Float32 storage for learners that want it; logically a double column.
        case float(ArraySlice<Float>)
        case bool(ArraySlice<Bool>)
        case string(ArraySlice<String>)
        /// Dictionary-encoded strings: codes index `levels`.
        case categorical(codes: ArraySlice<Int32>, levels: [String])
        /// Days since 1970-01-01.
        case date(ArraySlice<Int32>)
        /// Microseconds since 1970-01-01T00:00:00.
        case timestamp(ArraySlice<Int64>)
        case list(ArraySlice<[Value]>)
        /// Nested objects kept as their JSON text.
        case json(ArraySlice<String>)
    }

    public var name: String
    public internal(set) var storage: Storage
    /// Nil when the column has no nulls.
    public internal(set) var validity: ValidityBitmap?

    public init(name: String, storage: Storage, validity: ValidityBitmap? = nil) {
        self.name = name
        self.storage = storage
        self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
    }

    public var type: DataType {
        switch storage {
        case .int64: return .int64
        case .double: return .double
        case .float: return .float
        case .bool: return .bool
        case .string: return .string
        case .categorical: return .categorical
        case .date: return .date
        case .timestamp: return .timestamp
        case .list: return .list
        case .json: return .json
        }
    }

    public var count: Int {
        switch storage {
        case .int64(let v): return v.count
        case .double(let v): return v.count
        case .float(let v): return v.count
        case .bool(let v): return v.count
        case .string(let v): return v.count
        case .categorical(let c, _): return c.count
        case .date(let v): return v.count
        case .timestamp(let v): return v.count
        case .list(let v): return v.count
        case .json(let v): return v.count
        }
    }

    @inlinable public func isNull(_ row: Int) -> Bool {
        guard let v = validity else { return false }
        return !v[row]
    }

    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// The value of one row (for display and tests; kernels read the typed storage).
    public subscript(row: Int) -> Value {
        precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count) in column '\(name)'")
        if isNull(row) { return .null }
        switch storage {
        case .int64(let v): return .int(v[v.startIndex + row])
        case .double(let v): return .double(v[v.startIndex + row])
        case .float(let v): return .double(Double(v[v.startIndex + row]))
        case .bool(let v): return .bool(v[v.startIndex + row])
        case .string(let v): return .string(v[v.startIndex + row])
        case .categorical(let c, let levels): return .string(levels[Int(c[c.startIndex + row])])
        case .date(let v): return .date(v[v.startIndex + row])
        case .timestamp(let v): return .timestamp(v[v.startIndex + row])
        case .list(let v): return .list(v[v.startIndex + row])
        case .json(let v): return .string(v[v.startIndex + row])
        }
    }

    /// All values as `Value`s.
    public var values: [Value] { (0..<count).map { self[$0] } }

    /// Rows `range`, sharing the buffers (no copy).
    public func slice(_ range: Range<Int>) -> Column {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "slice \(range) out of range 0..<\(count)")
        func s<T>(_ a: ArraySlice<T>) -> ArraySlice<T> {
            a[(a.startIndex + range.lowerBound)..<(a.startIndex + range.upperBound)]
        }
        let st: Storage
        switch storage {
        case .int64(let v): st = .int64(s(v))
        case .double(let v): st = .double(s(v))
        case .float(let v): st = .float(s(v))
        case .bool(let v): st = .bool(s(v))
        case .string(let v): st = .string(s(v))
        case .categorical(let c, let l): st = .categorical(codes: s(c), levels: l)
        case .date(let v): st = .date(s(v))
        case .timestamp(let v): st = .timestamp(s(v))
        case .list(let v): st = .list(s(v))
        case .json(let v): st = .json(s(v))
        }
        var c = Column(name: name, storage: st)
        c.validity = validity?.slice(range)
        return c
    }

    /// Gathers rows by index; an index of -1 gives a null row (outer joins use this).
    public func take(_ indices: [Int]) -> Column { take(indices, mayHaveMissing: indices.contains(-1)) }

    /// `take` with the scan for -1 done once by the caller (a frame gathers many columns with one index list).
    func take(_ indices: [Int], mayHaveMissing: Bool) -> Column {
        var anyMissing = false
        let validity: ValidityBitmap?
        if self.validity != nil || mayHaveMissing {
            var bits = ValidityBitmap(count: indices.count)
            for (k, i) in indices.enumerated() where i < 0 || isNull(i) {
                bits[k] = false
                anyMissing = true
            }
            validity = anyMissing ? bits : nil
        } else {
            validity = nil
        }
        func g<T>(_ a: ArraySlice<T>, _ fill: T) -> ArraySlice<T> {
            a.withUnsafeBufferPointer { src in
                ArraySlice(indices.map { $0 < 0 ? fill : src[$0] })
            }
        }
        let st: Storage
        switch storage {
        case .int64(let v): st = .int64(g(v, 0))
        case .double(let v): st = .double(g(v, 0))
        case .float(let v): st = .float(g(v, 0))
        case .bool(let v): st = .bool(g(v, false))
        case .string(let v): st = .string(g(v, ""))
        case .categorical(let c, let l): st = .categorical(codes: g(c, 0), levels: l)
        case .date(let v): st = .date(g(v, 0))
        case .timestamp(let v): st = .timestamp(g(v, 0))
        case .list(let v): st = .list(g(v, []))
        case .json(let v): st = .json(g(v, ""))
        }
        return Column(name: name, storage: st, validity: validity)
    }

    /// Same column under another name.
    public func renamed(_ newName: String) -> Column {
        var c = self
        c.name = newName
        return c
    }
}

extension Column {
    public init(_ name: String, _ values: [Int64]) { self.init(name: name, storage: .int64(ArraySlice(values))) }
    public init(_ name: String, _ values: [Double]) { self.init(name: name, storage: .double(ArraySlice(values))) }
    public init(_ name: String, _ values: [Float]) { self.init(name: name, storage: .float(ArraySlice(values))) }
    public init(_ name: String, _ values: [Bool]) { self.init(name: name, storage: .bool(ArraySlice(values))) }
    public init(_ name: String, _ values: [String]) { self.init(name: name, storage: .string(ArraySlice(values))) }

    public init(_ name: String, _ values: [Int64?]) {
        self.init(name: name, storage: .int64(ArraySlice(values.map { $0 ?? 0 })), validity: ValidityBitmap(values.map { $0 != nil }))
    }
    /// Nil and NaN both become null.
    public init(_ name: String, _ values: [Double?]) {
        self.init(name: name, storage: .double(ArraySlice(values.map { $0 ?? 0 })),
                  validity: ValidityBitmap(values.map { $0 != nil && !$0!.isNaN }))
    }
    public init(_ name: String, _ values: [Bool?]) {
        self.init(name: name, storage: .bool(ArraySlice(values.map { $0 ?? false })), validity: ValidityBitmap(values.map { $0 != nil }))
    }
    public init(_ name: String, _ values: [String?]) {
        self.init(name: name, storage: .string(ArraySlice(values.map { $0 ?? "" })), validity: ValidityBitmap(values.map { $0 != nil }))
    }
    /// A dictionary-encoded column from strings (levels in order of first appearance).
    public init(categorical name: String, _ values: [String?]) {
        var levels: [String] = []
        var index: [String: Int32] = [:]
        let codes = values.map { v -> Int32 in
            guard let v else { return 0 }
            if let c = index[v] { return c }
            let c = Int32(levels.count)
            index[v] = c
            levels.append(v)
            return c
        }
        self.init(name: name, storage: .categorical(codes: ArraySlice(codes), levels: levels),
                  validity: ValidityBitmap(values.map { $0 != nil }))
    }

    /// A column from cell values: the type is `type` when given, else the narrowest that holds every value
    /// (ints and doubles mixed give double, anything mixed with strings gives string).
    public init(_ name: String, values: [Value], type: DataType? = nil) {
        let t = type ?? Column.inferType(values)
        var bits = ValidityBitmap(count: values.count)
        for (i, v) in values.enumerated() where v.isNull { bits[i] = false }
        let st: Storage
        switch t {
        case .int64:
            st = .int64(ArraySlice(values.map { v -> Int64 in
                switch v { case .int(let x): return x; case .double(let d): return Int64(exactly: d) ?? 0
                case .bool(let b): return b ? 1 : 0; default: return 0 }
            }))
        case .double, .float:
            let d = values.map { $0.doubleValue ?? 0 }
            st = t == .float ? .float(ArraySlice(d.map { Float($0) })) : .double(ArraySlice(d))
        case .bool:
            st = .bool(ArraySlice(values.map { if case .bool(let b) = $0 { return b }; return ($0.doubleValue ?? 0) != 0 }))
        case .date:
            st = .date(ArraySlice(values.map { if case .date(let d) = $0 { return d }; return 0 }))
        case .timestamp:
            st = .timestamp(ArraySlice(values.map { v -> Int64 in
                if case .timestamp(let t) = v { return t }
                if case .date(let d) = v { return Int64(d) * 86_400_000_000 }
                return 0
            }))
        case .list:
            st = .list(ArraySlice(values.map { v -> [Value] in
                if case .list(let l) = v { return l }
                return v.isNull ? [] : [v]
            }))
        case .categorical:
            let c = Column(categorical: name, values.map { $0.isNull ? nil : $0.description })
            st = c.storage
        case .string, .json:
            let s = values.map { v -> String in
                if case .string(let s) = v { return s }
                return v.isNull ? "" : (t == .json ? v.jsonText : v.description)
            }
            st = t == .json ? .json(ArraySlice(s)) : .string(ArraySlice(s))
        }
        self.init(name: name, storage: st, validity: bits)
    }

    static func inferType(_ values: [Value]) -> DataType {
        var sawInt = false, sawDouble = false, sawBool = false, sawString = false, sawList = false
        var sawDate = false, sawTimestamp = false
        for v in values {
            switch v {
            case .null: break
            case .int: sawInt = true
            case .double: sawDouble = true
            case .bool: sawBool = true
            case .string: sawString = true
            case .date: sawDate = true
            case .timestamp: sawTimestamp = true
            case .list: sawList = true
            }
        }
        if sawList { return .list }
        if sawString { return .string }
        if sawTimestamp && !(sawInt || sawDouble || sawBool) { return .timestamp }
        if sawDate && !(sawInt || sawDouble || sawBool) { return .date }
        if sawDate || sawTimestamp { return .string }
        if sawDouble { return .double }
        if sawInt { return .int64 }
        if sawBool { return .bool }
        return .string
    }
}
