/// Expectations about a frame: columns, types, ranges, categories, missing share, uniqueness.
public struct Schema: Sendable, Codable {
    /// What one column must satisfy; unset fields are not checked.
    public struct ColumnRule: Sendable, Codable {
        public var name: String
        public var type: DataType?
        /// Whether the column must be present (default true).
        public var required: Bool
        public var min: Double?
        public var max: Double?
        /// Allowed values (compared as text).
        public var allowed: [String]?
        /// Largest share of nulls, 0...1.
        public var maxMissing: Double?
        public var unique: Bool

        public init(name: String, type: DataType? = nil, required: Bool = true, min: Double? = nil, max: Double? = nil,
                    allowed: [String]? = nil, maxMissing: Double? = nil, unique: Bool = false) {
            self.name = name
            self.type = type
            self.required = required
            self.min = min
            self.max = max
            self.allowed = allowed
            self.maxMissing = maxMissing
            self.unique = unique
        }

        enum CodingKeys: String, CodingKey {
            case name, type, required, min, max, allowed, unique
            case maxMissing = "max_missing"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            if let t = try c.decodeIfPresent(String.self, forKey: .type) {
                guard let parsed = DataType(name: t) else {
                    throw FrameError(.invalidArgument, "column '\(name)': unknown type '\(t)'; use one of \(DataType.allCases.map(\.rawValue).joined(separator: ", "))", field: "\(name).type")
                }
                type = parsed
            } else {
                type = nil
            }
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
            min = try c.decodeIfPresent(Double.self, forKey: .min)
            max = try c.decodeIfPresent(Double.self, forKey: .max)
            allowed = try c.decodeIfPresent([String].self, forKey: .allowed)
            maxMissing = try c.decodeIfPresent(Double.self, forKey: .maxMissing)
            unique = try c.decodeIfPresent(Bool.self, forKey: .unique) ?? false
            if let m = maxMissing, !(0...1).contains(m) {
                throw FrameError(.invalidArgument, "column '\(name)': max_missing must be in 0...1", field: "\(name).max_missing")
            }
        }
    }

    public var columns: [ColumnRule]
    /// Whether columns the schema does not name are allowed (default true).
    public var allowExtraColumns: Bool

    public init(columns: [ColumnRule], allowExtraColumns: Bool = true) {
        self.columns = columns
        self.allowExtraColumns = allowExtraColumns
    }

    enum CodingKeys: String, CodingKey {
        case columns
        case allowExtraColumns = "allow_extra_columns"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        columns = try c.decode([ColumnRule].self, forKey: .columns)
        allowExtraColumns = try c.decodeIfPresent(Bool.self, forKey: .allowExtraColumns) ?? true
    }

    /// The schema a frame satisfies as it is: names and types (the start of a raw-data contract).
    public static func inferred(from frame: DataFrame) -> Schema {
        Schema(columns: frame.columns.map { ColumnRule(name: $0.name, type: $0.type) })
    }
}

/// One way a frame breaks its schema, in a form a pipeline can act on.
public struct Violation: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Which rule was broken.
    public enum Rule: String, Sendable, Codable {
        case missingColumn = "missing_column"
        case unexpectedColumn = "unexpected_column"
        case type
        case belowMin = "below_min"
        case aboveMax = "above_max"
        case notAllowed = "not_allowed"
        case tooManyMissing = "too_many_missing"
        case notUnique = "not_unique"
    }

    public var column: String
    public var rule: Rule
    public var message: String
    /// Rows that break the rule (0 for column-level rules).
    public var count: Int
    /// Up to five offending rows (0-based).
    public var exampleRows: [Int]

    public var description: String { "\(column): \(rule.rawValue): \(message)" }
}

extension Schema {
    /// Every violation, not only the first; an empty list means the frame conforms.
    public func validate(_ frame: DataFrame) -> [Violation] {
        var out: [Violation] = []
        let named = Set(columns.map(\.name))
        if !allowExtraColumns {
            for n in frame.columnNames where !named.contains(n) {
                out.append(Violation(column: n, rule: .unexpectedColumn, message: "column is not in the schema", count: 0, exampleRows: []))
            }
        }
        for rule in columns {
            guard frame.contains(rule.name) else {
                if rule.required {
                    out.append(Violation(column: rule.name, rule: .missingColumn, message: "required column is absent", count: 0, exampleRows: []))
                }
                continue
            }
            out.append(contentsOf: Self.check(frame[rule.name], rule))
        }
        return out
    }

    static func compatible(_ actual: DataType, _ expected: DataType) -> Bool {
        if actual == expected { return true }
        switch (expected, actual) {
        case (.double, .int64), (.double, .float), (.float, .double), (.float, .int64), (.int64, .bool): return true
        case (.string, .categorical), (.categorical, .string): return true
        default: return false
        }
    }

    static func check(_ c: Column, _ rule: ColumnRule) -> [Violation] {
        var out: [Violation] = []
        func add(_ r: Violation.Rule, _ message: String, _ rows: [Int]) {
            out.append(Violation(column: c.name, rule: r, message: message, count: rows.count, exampleRows: Array(rows.prefix(5))))
        }
        if let t = rule.type, !compatible(c.type, t) {
            out.append(Violation(column: c.name, rule: .type, message: "expected \(t), found \(c.type)", count: 0, exampleRows: []))
        }
        if let m = rule.maxMissing {
            let share = c.count == 0 ? 0 : Double(c.nullCount) / Double(c.count)
            if share > m {
                let rows = (0..<c.count).filter { c.isNull($0) }
                out.append(Violation(column: c.name, rule: .tooManyMissing,
                                     message: "\(c.nullCount) of \(c.count) values missing (\(share)), at most \(m) allowed",
                                     count: rows.count, exampleRows: Array(rows.prefix(5))))
            }
        }
        if rule.min != nil || rule.max != nil, let x = try? c.doubles() {
            if let lo = rule.min {
                let rows = x.indices.filter { !x[$0].isNaN && x[$0] < lo }
                if !rows.isEmpty { add(.belowMin, "\(rows.count) values below \(lo) (smallest \(rows.map { x[$0] }.min()!))", rows) }
            }
            if let hi = rule.max {
                let rows = x.indices.filter { !x[$0].isNaN && x[$0] > hi }
                if !rows.isEmpty { add(.aboveMax, "\(rows.count) values above \(hi) (largest \(rows.map { x[$0] }.max()!))", rows) }
            }
        }
        if let allowed = rule.allowed {
            let set = Set(allowed)
            let s = c.strings()
            let rows = s.indices.filter { s[$0] != nil && !set.contains(s[$0]!) }
            if !rows.isEmpty {
                let seen = Array(Set(rows.map { s[$0]! })).sorted().prefix(5)
                add(.notAllowed, "\(rows.count) values outside the allowed set, e.g. \(seen.joined(separator: ", "))", rows)
            }
        }
        if rule.unique {
            var coder = KeyCoder()
            let codes = coder.encode(c)
            var seen = Set<Int32>()
            let rows = codes.indices.filter { codes[$0] >= 0 && !seen.insert(codes[$0]).inserted }
            if !rows.isEmpty { add(.notUnique, "\(rows.count) repeated values", rows) }
        }
        return out
    }
}
