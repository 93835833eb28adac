/// The logical type of a column.
public enum DataType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case int64, double, float, bool, string, categorical, date, timestamp, list, json

    public var description: String { rawValue }

    /// Whether values of this type are numbers (usable as features without encoding).
    public var isNumeric: Bool {
        switch self {
        case .int64, .double, .float, .bool: return true
        default: return false
        }
    }

    /// Parses a type name as written in schemas ("int", "float64", "str", "datetime" are accepted too).
    public init?(name: String) {
        switch name.lowercased() {
        case "int", "int64", "integer", "long": self = .int64
        case "double", "float64", "number", "real": self = .double
        case "float", "float32": self = .float
        case "bool", "boolean": self = .bool
        case "string", "str", "text", "object": self = .string
        case "categorical", "category": self = .categorical
        case "date": self = .date
        case "timestamp", "datetime", "datetime64": self = .timestamp
        case "list", "array": self = .list
        case "json": self = .json
        default: return nil
        }
    }
}
