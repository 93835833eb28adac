import Foundation

/// One cell value, used at the edges (row access, literals, list cells); columns never store these.
public indirect enum Value: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since 1970-01-01T00:00:00 (no time zone).
    case timestamp(Int64)
    case list([Value])

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as a Double when it is numeric (bools count as 0/1, dates as days).
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .bool(let v): return v ? 1 : 0
        case .date(let d): return Double(d)
        case .timestamp(let t): return Double(t)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case .int(let v): return String(v)
        case .double(let v): return formatDouble(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return s
        case .date(let d): return CivilDate.format(days: d)
        case .timestamp(let t): return CivilDate.format(micros: t)
        case .list(let l): return "[" + l.map { $0.jsonText }.joined(separator: ", ") + "]"
        }
    }

    /// The value written as JSON.
    public var jsonText: String {
        switch self {
        case .null: return "null"
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? formatDouble(v) : "null"
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return JSONText.quote(s)
        case .date, .timestamp: return JSONText.quote(description)
        case .list(let l): return "[" + l.map { $0.jsonText }.joined(separator: ",") + "]"
        }
    }
}

/// Shortest text that reads back as the same Double, integral values without an exponent when small.
@inlinable func formatDouble(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
    return "\(v)"
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension Value: Comparable {
    /// Orders null first, then numbers, bools, strings, lists; numbers compare by value across int and double.
    public static func < (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.string(let x), .string(let y)): return x < y
        case (.list(let x), .list(let y)): return x.lexicographicallyPrecedes(y)
        default:
            if let x = a.doubleValue, let y = b.doubleValue { return x < y }
            return a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .null: return 0
        case .int, .double, .bool, .date, .timestamp: return 1
        case .string: return 2
        case .list: return 3
        }
    }
}
