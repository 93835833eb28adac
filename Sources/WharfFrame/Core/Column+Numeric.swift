/// Contiguous numeric views for learners and kernels.
extension Column {
    /// The column as one contiguous `[Double]`, NaN for nulls. Numeric, bool (0/1), date (days) and
    /// timestamp (microseconds) columns convert; strings and lists throw.
    public func doubles() throws(FrameError) -> [Double] {
        var out: [Double]
        switch storage {
        case .double(let v): out = Array(v)
        case .float(let v): out = v.withUnsafeBufferPointer { p in p.map { Double($0) } }
        case .int64(let v): out = v.withUnsafeBufferPointer { p in p.map { Double($0) } }
        case .bool(let v): out = v.map { $0 ? 1 : 0 }
        case .date(let v): out = v.map { Double($0) }
        case .timestamp(let v): out = v.map { Double($0) }
        default:
            throw FrameError(.typeMismatch, "column '\(name)' is \(type), not numeric", field: name)
        }
        if let bits = validity {
            out.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count where !bits[i] { p[i] = .nan }
            }
        }
        return out
    }

    /// The column as one contiguous `[Float]`, NaN for nulls (see `doubles()`).
    public func floats() throws(FrameError) -> [Float] {
        if case .float(let v) = storage, validity == nil { return Array(v) }
        return try doubles().map { Float($0) }
    }

    /// Integer codes and their levels for a string, categorical or bool column; -1 for nulls.
    /// String levels are sorted so that the codes do not depend on row order.
    public func categoricalCodes() throws(FrameError) -> (codes: [Int32], levels: [String]) {
        switch storage {
        case .categorical(let c, let levels):
            var codes = Array(c)
            if let bits = validity { for i in 0..<codes.count where !bits[i] { codes[i] = -1 } }
            return (codes, levels)
        case .string(let v):
            var distinct = Set<String>()
            for i in 0..<v.count where !isNull(i) { distinct.insert(v[v.startIndex + i]) }
            let levels = distinct.sorted()
            var index: [String: Int32] = [:]
            for (k, l) in levels.enumerated() { index[l] = Int32(k) }
            var codes = [Int32](repeating: -1, count: v.count)
            for i in 0..<v.count where !isNull(i) { codes[i] = index[v[v.startIndex + i]]! }
            return (codes, levels)
        case .bool(let v):
            var codes = v.map { Int32($0 ? 1 : 0) }
            if let bits = validity { for i in 0..<codes.count where !bits[i] { codes[i] = -1 } }
            return (codes, ["false", "true"])
        default:
            throw FrameError(.typeMismatch, "column '\(name)' is \(type); codes need a string, categorical or bool column", field: name)
        }
    }

    /// The column dictionary-encoded (levels sorted); categorical columns are returned as they are.
    public func asCategorical() throws(FrameError) -> Column {
        if case .categorical = storage { return self }
        let (codes, levels) = try categoricalCodes()
        var bits: ValidityBitmap? = nil
        if validity != nil { bits = ValidityBitmap(codes.map { $0 >= 0 }) }
        return Column(name: name, storage: .categorical(codes: ArraySlice(codes.map { max($0, 0) }), levels: levels), validity: bits)
    }

    /// String values with nil for nulls (categorical decoded, other types formatted).
    public func strings() -> [String?] {
        switch storage {
        case .string(let v), .json(let v):
            return (0..<v.count).map { isNull($0) ? nil : v[v.startIndex + $0] }
        case .categorical(let c, let levels):
            return (0..<c.count).map { isNull($0) ? nil : levels[Int(c[c.startIndex + $0])] }
        default:
            return (0..<count).map { isNull($0) ? nil : self[$0].description }
        }
    }

    /// Converts the column to another type; values that do not convert become null, unless `strict`, which throws
    /// naming the first row that does not fit.
    public func cast(to target: DataType, strict: Bool = false) throws(FrameError) -> Column {
        if target == type { return self }
        switch (storage, target) {
        case (_, .categorical):
            if type == .string { return try asCategorical() }
            return try Column(name, values: strings().map { $0.map(Value.string) ?? .null }, type: .string).asCategorical()
        case (.categorical, .string):
            return Column(name, strings())
        case (_, .double) where type.isNumeric || type == .date || type == .timestamp:
            let d = try doubles()
            return Column(name: name, storage: .double(ArraySlice(d.map { $0.isNaN ? 0 : $0 })), validity: validity)
        case (_, .float) where type.isNumeric:
            let d = try doubles()
            return Column(name: name, storage: .float(ArraySlice(d.map { $0.isNaN ? 0 : Float($0) })), validity: validity)
        default:
            var out: [Value] = []
            out.reserveCapacity(count)
            for i in 0..<count {
                let v = self[i]
                let converted = Column.convert(v, to: target)
                if strict, !v.isNull, converted.isNull {
                    throw FrameError(.typeMismatch, "column '\(name)' row \(i): '\(v)' is not a valid \(target)", field: name, row: i)
                }
                out.append(converted)
            }
            return Column(name, values: out, type: target)
        }
    }

    static func convert(_ v: Value, to t: DataType) -> Value {
        if v.isNull { return .null }
        switch t {
        case .string, .categorical, .json: return .string(v.description)
        case .int64:
            if case .string(let s) = v { return Int64(s.trimmingSpaces).map(Value.int) ?? .null }
            if let d = v.doubleValue, let i = Int64(exactly: d) { return .int(i) }
            return .null
        case .double, .float:
            if case .string(let s) = v { return Double(s.trimmingSpaces).map(Value.double) ?? .null }
            return v.doubleValue.map(Value.double) ?? .null
        case .bool:
            if case .string(let s) = v { return parseBool(s).map(Value.bool) ?? .null }
            return v.doubleValue.map { .bool($0 != 0) } ?? .null
        case .date:
            switch v {
            case .date: return v
            case .timestamp(let t): return .date(Int32((t >= 0 ? t : t - 86_399_999_999) / 86_400_000_000))
            case .string(let s):
                if let p = CivilDate.parse(s) { return convert(p, to: .date) }
                if s.utf8.count == 8, let i = Int64(s) { return convert(.int(i), to: .date) }
                return .null
            case .int(let i) where i >= 10_000_101 && i <= 99_991_231:  // yyyymmdd integers (Starbucks became_member_on)
                let y = Int(i / 10000), m = Int(i / 100 % 100), d = Int(i % 100)
                guard (1...12).contains(m), (1...31).contains(d) else { return .null }
                return .date(CivilDate.days(year: y, month: m, day: d))
            default: return .null
            }
        case .timestamp:
            if case .date(let d) = v { return .timestamp(Int64(d) * 86_400_000_000) }
            if case .string(let s) = v, let p = CivilDate.parse(s) { return convert(p, to: .timestamp) }
            if case .timestamp = v { return v }
            return .null
        case .list: if case .list = v { return v }; return .list([v])
        }
    }

    static func parseBool(_ s: String) -> Bool? {
        switch s.trimmingSpaces.lowercased() {
        case "true", "t", "yes", "y", "1": return true
        case "false", "f", "no", "n", "0": return false
        default: return nil
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
