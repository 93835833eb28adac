import SQLKit

/// MLflow's search grammar (`metrics.auc > 0.8 and params.depth = '6'`), parsed into comparisons
/// that become SQL with binds; rows are never filtered in memory.
public struct RunFilter: Sendable, Equatable {
    /// Which table a compared key lives in.
    public enum Entity: String, Sendable {
        case metric, param, tag, attribute, dataset
    }

    /// A comparison operator of the grammar.
    public enum Operator: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case like = "LIKE"
        case ilike = "ILIKE"
        case `in` = "IN"
        case notIn = "NOT IN"
    }

    /// A literal on the right-hand side.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case string(String)
        case list([String])
    }

    /// `entity.key op value`.
    public struct Comparison: Sendable, Equatable {
        public var entity: Entity
        public var key: String
        public var op: Operator
        public var value: Value
    }

    public var comparisons: [Comparison]

    static let numericAttributes: Set<String> = ["start_time", "end_time", "created", "creation_time"]
    static let stringAttributes: Set<String> = ["status", "run_name", "run_id", "artifact_uri", "user_id", "lifecycle_stage"]

    /// Parses a filter; an error names the character position where the text stopped making sense.
    public static func parse(_ text: String, field: String = "filter") throws -> RunFilter {
        var lexer = FilterLexer(text: text, field: field)
        var comparisons: [Comparison] = []
        if try lexer.peek() == nil { return RunFilter(comparisons: []) }
        while true {
            comparisons.append(try parseComparison(&lexer))
            guard let next = try lexer.next() else { break }
            guard case .word(let word) = next.token, word.uppercased() == "AND" else {
                throw lexer.error(at: next.position, "expected AND between comparisons (OR is not supported)")
            }
        }
        return RunFilter(comparisons: comparisons)
    }

    /// Parses `entity.key`: the left-hand side of a comparison or an order_by clause.
    static func parseIdentifier(_ lexer: inout FilterLexer) throws -> (Entity, String, Int) {
        guard let first = try lexer.next() else { throw lexer.error(at: lexer.offset, "expected an identifier such as metrics.auc") }
        guard case .word(let word) = first.token else {
            throw lexer.error(at: first.position, "expected an identifier such as metrics.auc")
        }
        var entityName = word
        var key: String?
        if let dot = word.firstIndex(of: ".") {
            entityName = String(word[..<dot])
            let rest = String(word[word.index(after: dot)...])
            if !rest.isEmpty { key = rest }
        }
        let entity: Entity
        switch entityName.lowercased() {
        case "metric", "metrics": entity = .metric
        case "param", "params", "parameter", "parameters": entity = .param
        case "tag", "tags": entity = .tag
        case "attribute", "attributes", "attr", "run": entity = .attribute
        case "dataset", "datasets": entity = .dataset
        default:
            if !word.contains("."), stringAttributes.contains(word) || numericAttributes.contains(word) {
                return (.attribute, word, first.position)
            }
            throw lexer.error(at: first.position, "unknown entity '\(entityName)': use metrics., params., tags., attributes. or datasets.")
        }
        if key == nil {
            // `metrics."my key"` or metrics.`my key`: the dot ended the word and a quoted name follows.
            guard word.hasSuffix("."), let quoted = try lexer.next(), case .quotedName(let name) = quoted.token else {
                throw lexer.error(at: first.position, "expected a key after '\(entityName).'")
            }
            key = name
        }
        guard let key, !key.isEmpty else { throw lexer.error(at: first.position, "empty key") }
        if entity == .attribute {
            let attribute = key == "created" || key == "creation_time" ? "start_time" : key
            guard stringAttributes.contains(attribute) || numericAttributes.contains(attribute) else {
                throw lexer.error(at: first.position, "unknown attribute '\(key)': use one of status, run_name, run_id, user_id, artifact_uri, start_time, end_time")
            }
            return (.attribute, attribute, first.position)
        }
        if entity == .dataset, !["name", "digest", "context"].contains(key) {
            throw lexer.error(at: first.position, "unknown dataset field '\(key)': use name, digest or context")
        }
        return (entity, key, first.position)
    }

    static func parseComparison(_ lexer: inout FilterLexer) throws -> Comparison {
        let (entity, key, _) = try parseIdentifier(&lexer)
        let (op, opPosition) = try lexer.comparisonOperator(after: key)
        let numeric = entity == .metric || (entity == .attribute && numericAttributes.contains(key))
        let valuePosition = lexer.offset
        let value: Value
        if op == .in || op == .notIn {
            guard !numeric else { throw lexer.error(at: opPosition, "IN applies to strings, not to '\(key)'") }
            value = .list(try parseList(&lexer))
        } else {
            guard let token = try lexer.next() else { throw lexer.error(at: valuePosition, "expected a value after '\(op.rawValue)'") }
            switch token.token {
            case .string(let s):
                guard !numeric else {
                    throw lexer.error(at: token.position, "'\(key)' is numeric: compare it with a number, not a string")
                }
                value = .string(s)
            case .word(let w):
                guard numeric, let number = Double(w) else {
                    throw lexer.error(at: token.position, numeric ? "expected a number, found '\(w)'" : "expected a quoted string, found '\(w)'")
                }
                // Times are 64-bit integers in the database: a number beyond them cannot be a bound.
                if entity == .attribute, !(number.isFinite && abs(number) < 9.2e18) {
                    throw lexer.error(at: token.position, "'\(key)' is a time in milliseconds: \(w) is out of range")
                }
                value = .number(number)
            default:
                throw lexer.error(at: token.position, "expected a value")
            }
        }
        if numeric {
            guard [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else {
                throw lexer.error(at: opPosition, "operator \(op.rawValue) does not apply to numeric '\(key)'")
            }
        } else if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) {
            throw lexer.error(at: opPosition, "operator \(op.rawValue) does not apply to string '\(key)': use =, !=, LIKE, ILIKE, IN")
        }
        return Comparison(entity: entity, key: key, op: op, value: value)
    }

    static func parseList(_ lexer: inout FilterLexer) throws -> [String] {
        guard let open = try lexer.next(), case .symbol("(") = open.token else {
            throw lexer.error(at: lexer.offset, "expected '(' to start a list")
        }
        var items: [String] = []
        while true {
            guard let item = try lexer.next(), case .string(let s) = item.token else {
                throw lexer.error(at: lexer.offset, "expected a quoted string in the list")
            }
            items.append(s)
            guard let separator = try lexer.next() else { throw lexer.error(at: lexer.offset, "unclosed list: expected ')'") }
            if case .symbol(")") = separator.token { return items }
            guard case .symbol(",") = separator.token else { throw lexer.error(at: separator.position, "expected ',' or ')' in the list") }
        }
    }
}

/// Splits filter text into words, quoted strings, quoted names and symbols, remembering positions.
struct FilterLexer {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case quotedName(String)
        case symbol(String)
    }

    let characters: [Character]
    let field: String
    var offset = 0
    private var lookahead: (token: Token, position: Int)?? = .none

    init(text: String, field: String) {
        self.characters = Array(text)
        self.field = field
    }

    func error(at position: Int, _ message: String) -> WharfError {
        WharfError.invalid(field, "malformed \(field) at position \(position): \(message)")
    }

    /// Reads `entity.key`, where the key may also be a quoted name after the dot (`tags."my key"`); a word
    /// without a dot is `key` of `defaultEntity`. The entity comes back lower-cased.
    mutating func qualifiedName(defaultEntity: String, example: String) throws -> (entity: String, key: String, position: Int) {
        guard let first = try next(), case .word(let word) = first.token else {
            throw error(at: offset, "expected an identifier such as \(example)")
        }
        guard let dot = word.firstIndex(of: ".") else { return (defaultEntity, word, first.position) }
        let entity = word[..<dot].lowercased()
        let key = String(word[word.index(after: dot)...])
        guard key.isEmpty else { return (entity, key, first.position) }
        guard let quoted = try next(), case .quotedName(let name) = quoted.token, !name.isEmpty else {
            throw error(at: first.position, "expected a key after '\(word)'")
        }
        return (entity, name, first.position)
    }

    /// Reads the rest of an `order_by` clause: nothing (ascending), or ASC or DESC and then nothing.
    mutating func orderDirection() throws -> Bool {
        guard let direction = try next() else { return true }
        guard case .word(let word) = direction.token, ["ASC", "DESC"].contains(word.uppercased()) else {
            throw error(at: direction.position, "expected ASC or DESC")
        }
        if let extra = try next() { throw error(at: extra.position, "unexpected text after the direction") }
        return word.uppercased() == "ASC"
    }

    /// Reads a comparison operator: a symbol (`<>` is `!=`), LIKE, ILIKE, IN or NOT IN.
    mutating func comparisonOperator(after subject: String? = nil) throws -> (op: RunFilter.Operator, position: Int) {
        guard let token = try next() else {
            throw error(at: offset, "expected a comparison operator" + (subject.map { " after '\($0)'" } ?? ""))
        }
        switch token.token {
        case .symbol(let symbol):
            guard let parsed = RunFilter.Operator(rawValue: symbol == "<>" ? "!=" : symbol) else {
                throw error(at: token.position, "unknown operator '\(symbol)'")
            }
            return (parsed, token.position)
        case .word(let word):
            switch word.uppercased() {
            case "LIKE": return (.like, token.position)
            case "ILIKE": return (.ilike, token.position)
            case "IN": return (.in, token.position)
            case "NOT":
                guard let inToken = try next(), case .word(let w) = inToken.token, w.uppercased() == "IN" else {
                    throw error(at: token.position, "expected IN after NOT")
                }
                return (.notIn, token.position)
            default: throw error(at: token.position, "expected a comparison operator, found '\(word)'")
            }
        default:
            throw error(at: token.position, "expected a comparison operator")
        }
    }

    mutating func peek() throws -> (token: Token, position: Int)? {
        if case .some(let cached) = lookahead { return cached }
        let token = try scan()
        lookahead = .some(token)
        return token
    }

    mutating func next() throws -> (token: Token, position: Int)? {
        if case .some(let cached) = lookahead {
            lookahead = .none
            return cached
        }
        return try scan()
    }

    private mutating func scan() throws -> (token: Token, position: Int)? {
        while offset < characters.count, characters[offset].isWhitespace { offset += 1 }
        guard offset < characters.count else { return nil }
        let start = offset
        let c = characters[offset]
        if c == "'" || c == "\"" || c == "`" {
            offset += 1
            var text = ""
            while true {
                guard offset < characters.count else { throw error(at: start, "unterminated quote \(c)") }
                let d = characters[offset]
                offset += 1
                if d == c {
                    // A doubled quote inside a quoted string is one quote character, as in SQL.
                    if offset < characters.count, characters[offset] == c { text.append(c); offset += 1; continue }
                    break
                }
                if d == "\\", offset < characters.count { text.append(characters[offset]); offset += 1; continue }
                text.append(d)
            }
            // After `entity.` a quote names a key; elsewhere ' and " quote values, backticks always name keys.
            if c == "`" { return (.quotedName(text), start) }
            if start > 0, characters[start - 1] == "." { return (.quotedName(text), start) }
            return (.string(text), start)
        }
        if "()," .contains(c) {
            offset += 1
            return (.symbol(String(c)), start)
        }
        if "=!<>".contains(c) {
            offset += 1
            if offset < characters.count, characters[offset] == "=" || (c == "<" && characters[offset] == ">") {
                offset += 1
            }
            let symbol = String(characters[start..<offset])
            guard symbol != "!" else { throw error(at: start, "'!' must be followed by '='") }
            return (.symbol(symbol), start)
        }
        while offset < characters.count {
            let d = characters[offset]
            if d.isWhitespace || "()=!<>,'\"`".contains(d) { break }
            offset += 1
        }
        guard offset > start else { throw error(at: start, "unexpected character '\(c)'") }
        return (.word(String(characters[start..<offset])), start)
    }
}

/// One `order_by` clause: a key and a direction.
public struct RunOrder: Sendable, Equatable {
    public var entity: RunFilter.Entity
    public var key: String
    public var ascending: Bool

    public static func parse(_ text: String, field: String = "order_by") throws -> RunOrder {
        var lexer = FilterLexer(text: text, field: field)
        let (entity, key, _) = try RunFilter.parseIdentifier(&lexer)
        guard entity != .dataset else { throw lexer.error(at: 0, "cannot order by dataset fields") }
        return RunOrder(entity: entity, key: key, ascending: try lexer.orderDirection())
    }
}

extension RunFilter {
    static func condition(_ c: Comparison, backend: MetadataStore.Backend) -> SQLQueryString {
        switch c.entity {
        case .metric:
            guard case .number(let number) = c.value else { return "1 = 0" }
            return "EXISTS (SELECT 1 FROM run_latest_metrics m WHERE m.run_id = r.run_id AND m.key = \(bind: c.key) AND m.is_nan = 0 AND m.value \(unsafeRaw: sqlOperator(c.op)) \(bind: number))"
        case .param:
            return "EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.run_id AND p.key = \(bind: c.key) AND \(stringComparison("p.value", c.op, c.value, backend: backend)))"
        case .tag:
            return "EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.run_id AND t.key = \(bind: c.key) AND \(stringComparison("t.value", c.op, c.value, backend: backend)))"
        case .dataset:
            let column = c.key == "context" ? "d.context" : "d.\(c.key)"
            return "EXISTS (SELECT 1 FROM run_inputs d WHERE d.run_id = r.run_id AND \(stringComparison(column, c.op, c.value, backend: backend)))"
        case .attribute:
            if case .number(let number) = c.value {
                return "r.\(unsafeRaw: c.key) \(unsafeRaw: sqlOperator(c.op)) \(bind: Int64(number))"
            }
            var value = c.value
            if c.key == "status", case .string(let s) = value { value = .string(s.uppercased()) }
            return stringComparison("r.\(c.key)", c.op, value, backend: backend)
        }
    }

    static func sqlOperator(_ op: Operator) -> String {
        op == .notEqual ? "<>" : op.rawValue
    }

    /// LIKE is case-sensitive, as in MLflow: SQLite's LIKE is not, so there it becomes GLOB.
    static func stringComparison(_ column: String, _ op: Operator, _ value: Value, backend: MetadataStore.Backend) -> SQLQueryString {
        switch (op, value) {
        case (.in, .list(let items)), (.notIn, .list(let items)):
            let binds: [any Encodable & Sendable] = items
            return "\(unsafeRaw: column) \(unsafeRaw: op == .in ? "IN" : "NOT IN") (\(binds: binds))"
        case (.like, .string(let pattern)):
            if backend == .sqlite { return "\(unsafeRaw: column) GLOB \(bind: globPattern(pattern))" }
            return "\(unsafeRaw: column) LIKE \(bind: pattern)"
        case (.ilike, .string(let pattern)):
            return "LOWER(\(unsafeRaw: column)) LIKE LOWER(\(bind: pattern))"
        case (_, .string(let s)):
            return "\(unsafeRaw: column) \(unsafeRaw: sqlOperator(op)) \(bind: s)"
        default:
            return "1 = 0"
        }
    }

    /// Translates a LIKE pattern (`%`, `_`) into a GLOB pattern, quoting GLOB's own wildcards.
    static func globPattern(_ like: String) -> String {
        var out = ""
        for c in like {
            switch c {
            case "%": out += "*"
            case "_": out += "?"
            case "*": out += "[*]"
            case "?": out += "[?]"
            case "[": out += "[[]"
            default: out.append(c)
            }
        }
        return out
    }
}

/// The SQL of a run search: the runs table `r` joined to one table per `order_by` key on a metric,
/// param or tag, then the filter's conditions and the sort.
///
/// When the filter compares the same key an order follows (`metrics.auc > 0.8` ordered by `metrics.auc`),
/// the join is inner and that comparison is made on the joined row, so the database can walk the
/// `(key, value)` index in sort order and stop at the page's end instead of sorting every match.
/// The other comparisons are correlated `EXISTS` lookups on primary keys.
struct RunSearchSQL {
    var joins: [SQLQueryString] = []
    var conditions: [SQLQueryString] = []
    var sorts: [SQLQueryString] = []

    init(filter: RunFilter, orders: [RunOrder], backend: MetadataStore.Backend) {
        var handled = Set<Int>()
        for (index, order) in orders.enumerated() {
            let table: String
            switch order.entity {
            case .metric: table = "run_latest_metrics"
            case .param: table = "run_params"
            case .tag: table = "run_tags"
            case .attribute, .dataset:
                sorts.append("r.\(unsafeRaw: order.key) \(unsafeRaw: order.ascending ? "ASC" : "DESC")")
                continue
            }
            let alias = "o\(index)"
            let compared = filter.comparisons.indices.filter { filter.comparisons[$0].entity == order.entity && filter.comparisons[$0].key == order.key }
            let direction = order.ascending ? "ASC" : "DESC"
            if compared.isEmpty {
                joins.append("LEFT JOIN \(unsafeRaw: table) \(unsafeRaw: alias) ON \(unsafeRaw: alias).run_id = r.run_id AND \(unsafeRaw: alias).key = \(bind: order.key)")
                sorts.append("(CASE WHEN \(unsafeRaw: alias).value IS NULL THEN 1 ELSE 0 END), \(unsafeRaw: alias).value \(unsafeRaw: direction)")
            } else {
                joins.append("JOIN \(unsafeRaw: table) \(unsafeRaw: alias) ON \(unsafeRaw: alias).run_id = r.run_id AND \(unsafeRaw: alias).key = \(bind: order.key)")
                sorts.append("\(unsafeRaw: alias).value \(unsafeRaw: direction)")
                for i in compared where !handled.contains(i) {
                    handled.insert(i)
                    conditions.append(RunFilter.joinedCondition(filter.comparisons[i], alias: alias, backend: backend))
                }
            }
        }
        for (i, comparison) in filter.comparisons.enumerated() where !handled.contains(i) {
            conditions.append(RunFilter.condition(comparison, backend: backend))
        }
        sorts.append("r.start_time DESC")
        sorts.append("r.run_id ASC")
    }
}

extension RunFilter {
    /// A comparison made on a joined row of the key's own table (alias `alias`).
    static func joinedCondition(_ c: Comparison, alias: String, backend: MetadataStore.Backend) -> SQLQueryString {
        if c.entity == .metric, case .number(let number) = c.value {
            return "\(unsafeRaw: alias).value \(unsafeRaw: sqlOperator(c.op)) \(bind: number) AND \(unsafeRaw: alias).is_nan = 0"
        }
        return stringComparison("\(alias).value", c.op, c.value, backend: backend)
    }
}
