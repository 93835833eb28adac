import SQLKit

/// MLflow's registry search grammar, for registered models (table `m`) and model versions (table `v`):
/// comparisons joined by AND on attributes (`name`; for versions also `run_id`, `source_path` and the numeric
/// `version_number`) and on `tags.<key>` / `tag.<key>` (the key bare, quoted or in backquotes) with `=`, `!=`,
/// `LIKE`, `ILIKE` (and `IN` / `NOT IN` on `name` and `run_id`), and `order_by` clauses; both become SQL.
///
/// As on `mlflow server`, prompts (models or versions tagged `mlflow.prompt.is_prompt = 'true'`) are left out
/// unless the filter asks for them, and a comparison on that tag which does not ask for prompts is dropped
/// (the 3.x client adds ``tags.`mlflow.prompt.is_prompt` != 'true'`` to every search; models never carry it).
struct RegistrySearch {
    /// Which rows are searched: registered models, or their versions.
    enum Target {
        case models
        case versions

        var alias: String { self == .models ? "m" : "v" }
        var tagTable: String { self == .models ? "registered_model_tags" : "model_version_tags" }
        var tagJoin: String { self == .models ? "t.name = m.name" : "t.name = v.name AND t.version = v.version" }
    }

    enum Field: Equatable {
        case attribute(column: String, numeric: Bool)
        case tag(String)
    }

    struct Comparison {
        var field: Field
        var op: RunFilter.Operator
        var value: RunFilter.Value
    }

    static let promptTag = "mlflow.prompt.is_prompt"

    let target: Target
    var comparisons: [Comparison] = []
    var includesPrompts = false
    var sorts: [String] = []

    /// Parses a filter and `order_by` clauses; errors name the field and the character position.
    static func parse(_ target: Target, filter: String?, orderBy: [String]) throws -> RegistrySearch {
        var search = RegistrySearch(target: target)
        if let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty {
            var lexer = FilterLexer(text: filter, field: "filter")
            while true {
                search.comparisons.append(try parseComparison(target, &lexer))
                guard let next = try lexer.next() else { break }
                guard case .word(let word) = next.token, word.uppercased() == "AND" else {
                    throw lexer.error(at: next.position, "expected AND between comparisons (OR is not supported)")
                }
            }
        }
        search.includesPrompts = search.comparisons.contains { c in
            guard c.field == .tag(promptTag), case .string(let value) = c.value else { return false }
            return (c.op == .equal && value.lowercased() == "true") || (c.op == .notEqual && value.lowercased() == "false")
        }
        if !search.includesPrompts { search.comparisons.removeAll { $0.field == .tag(promptTag) } }
        search.sorts = try sorts(target, orderBy)
        return search
    }

    static func attribute(_ target: Target, _ key: String) -> (column: String, numeric: Bool)? {
        switch (target, key) {
        case (_, "name"): ("name", false)
        case (.versions, "run_id"): ("run_id", false)
        case (.versions, "source_path"): ("source", false)
        case (.versions, "version_number"): ("version", true)
        default: nil
        }
    }

    static func parseComparison(_ target: Target, _ lexer: inout FilterLexer) throws -> Comparison {
        let (entity, key, position) = try lexer.qualifiedName(defaultEntity: "attributes", example: "name or tags.`key`")
        let field: Field
        switch entity {
        case "tag", "tags": field = .tag(key)
        case "attribute", "attributes", "attr":
            guard let attribute = attribute(target, key) else {
                let known = target == .models ? "name or tags.<key>" : "name, run_id, source_path, version_number or tags.<key>"
                throw lexer.error(at: position, "Invalid attribute name: \(key) (use \(known))")
            }
            field = .attribute(column: attribute.column, numeric: attribute.numeric)
        default:
            throw lexer.error(at: position, "unknown entity '\(entity)': use name, attributes. or tags.")
        }
        let (op, opPosition) = try lexer.comparisonOperator(after: key)
        let valuePosition = lexer.offset
        if case .attribute(let column, let numeric) = field {
            if numeric {
                guard [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else {
                    throw lexer.error(at: opPosition, "Invalid comparator for attribute \(key): \(op.rawValue)")
                }
                guard let token = try lexer.next() else { throw lexer.error(at: valuePosition, "expected a number after '\(op.rawValue)'") }
                let text: String
                switch token.token {
                case .word(let w), .string(let w): text = w
                default: throw lexer.error(at: token.position, "expected a whole number")
                }
                guard let number = Int64(text) else {
                    throw lexer.error(at: token.position, "Invalid value for numeric attribute '\(key)': '\(text)'")
                }
                return Comparison(field: field, op: op, value: .number(Double(number)))
            }
            if op == .in || op == .notIn {
                guard column == "name" || column == "run_id" else { throw lexer.error(at: opPosition, "Invalid comparator for attribute: \(op.rawValue)") }
                return Comparison(field: field, op: op, value: .list(try RunFilter.parseList(&lexer)))
            }
        }
        guard [.equal, .notEqual, .like, .ilike].contains(op) else {
            let subject = if case .tag = field { "tag" } else { "attribute" }
            throw lexer.error(at: opPosition, "Invalid comparator for \(subject): \(op.rawValue) (use =, !=, LIKE or ILIKE)")
        }
        guard let token = try lexer.next() else { throw lexer.error(at: valuePosition, "expected a quoted string after '\(op.rawValue)'") }
        guard case .string(let text) = token.token else { throw lexer.error(at: token.position, "expected a quoted string") }
        return Comparison(field: field, op: op, value: .string(text))
    }

    /// The ORDER BY terms: the requested ones, then MLflow's tie-breaks (a model's name; a version's name and number).
    static func sorts(_ target: Target, _ orderBy: [String]) throws -> [String] {
        let a = target.alias
        var terms: [String] = []
        var seen: Set<String> = []
        let clauses = orderBy.isEmpty && target == .versions ? ["last_updated_timestamp DESC", "name ASC", "version_number DESC"] : orderBy
        for (index, clause) in clauses.enumerated() {
            var lexer = FilterLexer(text: clause, field: "order_by[\(index)]")
            let (entity, key, position) = try lexer.qualifiedName(defaultEntity: "attributes", example: "name DESC")
            let column: String?
            switch (target, key) {
            case _ where !["attribute", "attributes", "attr"].contains(entity): column = nil
            case (_, "name"): column = "name"
            case (.models, "timestamp"), (_, "last_updated_timestamp"): column = "last_updated_time"
            case (.versions, "creation_timestamp"): column = "creation_time"
            case (.versions, "version_number"): column = "version"
            default: column = nil
            }
            guard let column else {
                let valid = target == .models ? "name, timestamp, last_updated_timestamp" : "name, version_number, creation_timestamp, last_updated_timestamp"
                throw lexer.error(at: position, "Invalid order by key '\(key)' specified. Valid keys are \(valid)")
            }
            guard seen.insert(column).inserted else { throw lexer.error(at: position, "`order_by` contains duplicate fields: \(orderBy)") }
            terms.append("\(a).\(column) \(try lexer.orderDirection() ? "ASC" : "DESC")")
        }
        if !seen.contains("name") { terms.append("\(a).name ASC") }
        if target == .versions, !seen.contains("version") { terms.append("v.version DESC") }
        return terms
    }

    /// The WHERE conditions on the searched row.
    func conditions(backend: MetadataStore.Backend) -> [SQLQueryString] {
        let a = target.alias
        var result: [SQLQueryString] = comparisons.map { c in
            switch (c.field, c.value) {
            case (.tag(let key), _):
                return """
                    EXISTS (SELECT 1 FROM \(unsafeRaw: target.tagTable) t WHERE \(unsafeRaw: target.tagJoin) AND t.key = \(bind: key) \
                    AND \(RunFilter.stringComparison("t.value", c.op, c.value, backend: backend)))
                    """
            case (.attribute(let column, _), .number(let number)):
                return "\(unsafeRaw: a).\(unsafeRaw: column) \(unsafeRaw: RunFilter.sqlOperator(c.op)) \(bind: Int64(number))"
            case (.attribute(let column, _), _):
                return RunFilter.stringComparison("\(a).\(column)", c.op, c.value, backend: backend)
            }
        }
        if !includesPrompts {
            result.append("""
                NOT EXISTS (SELECT 1 FROM \(unsafeRaw: target.tagTable) p WHERE p.name = \(unsafeRaw: a).name \
                AND p.key = \(bind: Self.promptTag) AND p.value = 'true')
                """)
        }
        return result
    }
}
