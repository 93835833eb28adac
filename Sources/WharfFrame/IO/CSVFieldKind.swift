/// What a CSV field's text looks like, for type inference and widening.
enum CSVFieldKind {
    case null, bool, int, double, date, timestamp, string

    /// The type a column needs to hold both what it has and a field of this kind (nil: nothing seen yet).
    static func join(_ current: DataType?, _ kind: CSVFieldKind) -> DataType? {
        let t: DataType
        switch kind {
        case .null: return current
        case .bool: t = .bool
        case .int: t = .int64
        case .double: t = .double
        case .date: t = .date
        case .timestamp: t = .timestamp
        case .string: t = .string
        }
        guard let current, current != t else { return t }
        switch (current, t) {
        case (.int64, .double), (.double, .int64): return .double
        case (.float, .int64), (.float, .double): return current
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return .string
        }
    }
}

/// NA tokens as byte strings, checked without allocating.
struct NATokens: Sendable {
    let tokens: [[UInt8]]
    let maxLength: Int

    init(_ set: Set<String>) {
        tokens = set.filter { !$0.isEmpty }.map { Array($0.utf8) }
        maxLength = tokens.map(\.count).max() ?? 0
    }

    func contains(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { return true }
        if n > maxLength { return false }
        for t in tokens where t.count == n {
            var same = true
            for i in 0..<n where t[i] != p[i] { same = false; break }
            if same { return true }
        }
        return false
    }

    func classify(_ f: CSVField, parseDates: Bool) -> CSVFieldKind {
        let p = f.base, n = f.count
        if contains(p, n) { return f.quoted ? .string : .null }
        if NumberParsing.int64(p, n) != nil { return .int }
        if let d = NumberParsing.double(p, n) { return d.isNaN ? .null : .double }
        if NumberParsing.bool(p, n) != nil { return .bool }
        if parseDates {
            let b = UnsafeBufferPointer(start: p, count: n)
            if CivilDate.parseDate(b) != nil { return .date }
            if CivilDate.parseTimestamp(b) != nil { return .timestamp }
        }
        return .string
    }
}
