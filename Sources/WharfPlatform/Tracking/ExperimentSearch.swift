import SQLKit

/// MLflow's experiment search: a filter over `name`, `creation_time`, `last_update_time` (optionally prefixed
/// `attributes.`) and `tags.<key>`, joined by AND, and `order_by` over name, experiment_id, creation_time and
/// last_update_time; both become SQL over the `experiments` table `e`.
struct ExperimentSearch {
    /// What a comparison or an order reads.
    enum Field: Equatable {
        case name
        case experimentId
        case creationTime
        case lastUpdateTime
        case tag(String)

        var column: String {
            switch self {
            case .name: "e.name"
            case .experimentId: "e.seq"
            case .creationTime: "e.creation_time"
            case .lastUpdateTime: "e.last_update_time"
            case .tag: "t.value"
            }
        }

        var isNumeric: Bool { self == .creationTime || self == .lastUpdateTime || self == .experimentId }
    }

    struct Comparison {
        var field: Field
        var op: RunFilter.Operator
        var value: RunFilter.Value
    }

    var comparisons: [Comparison] = []
    var orders: [(field: Field, ascending: Bool)] = []

    /// Parses a filter and order_by clauses; errors name the field and the character position.
    static func parse(filter: String?, orderBy: [String]) throws -> ExperimentSearch {
        var search = ExperimentSearch()
        if let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty {
            var lexer = FilterLexer(text: filter, field: "filter")
            while true {
                search.comparisons.append(try parseComparison(&lexer))
                guard let next = try lexer.next() else { break }
                guard case .word(let word) = next.token, word.uppercased() == "AND" else {
                    throw lexer.error(at: next.position, "expected AND between comparisons (OR is not supported)")
                }
            }
        }
        for (index, clause) in orderBy.enumerated() {
            var lexer = FilterLexer(text: clause, field: "order_by[\(index)]")
            let (field, position) = try parseIdentifier(&lexer, ordering: true)
            if case .tag = field { throw lexer.error(at: position, "experiments are ordered by name, experiment_id, creation_time or last_update_time") }
            search.orders.append((field, try lexer.orderDirection()))
        }
        return search
    }

    static func parseIdentifier(_ lexer: inout FilterLexer, ordering: Bool) throws -> (Field, Int) {
        let (entity, key, position) = try lexer.qualifiedName(defaultEntity: "attributes", example: "name or tags.team")
        switch entity {
        case "tag", "tags":
            guard !ordering else { throw lexer.error(at: position, "experiments cannot be ordered by a tag") }
            return (.tag(key), position)
        case "attribute", "attributes", "attr":
            switch key.lowercased() {
            case "name": return (.name, position)
            case "creation_time": return (.creationTime, position)
            case "last_update_time": return (.lastUpdateTime, position)
            case "experiment_id" where ordering: return (.experimentId, position)
            default:
                let known = ordering ? "name, experiment_id, creation_time or last_update_time" : "name, creation_time, last_update_time or tags.<key>"
                throw lexer.error(at: position, "unknown experiment attribute '\(key)': use \(known)")
            }
        default:
            throw lexer.error(at: position, "unknown entity '\(entity)': use attributes. or tags.")
        }
    }

    static func parseComparison(_ lexer: inout FilterLexer) throws -> Comparison {
        let (field, _) = try parseIdentifier(&lexer, ordering: false)
        let (op, opPosition) = try lexer.comparisonOperator()
        let valuePosition = lexer.offset
        guard let token = try lexer.next() else { throw lexer.error(at: valuePosition, "expected a value after '\(op.rawValue)'") }
        if field.isNumeric {
            guard [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else {
                throw lexer.error(at: opPosition, "operator \(op.rawValue) does not apply to a time: use =, !=, <, <=, >, >=")
            }
            guard case .word(let text) = token.token, let number = Double(text), number.rounded() == number, abs(number) < 9.2e18 else {
                throw lexer.error(at: token.position, "a time is compared with a whole number of milliseconds")
            }
            return Comparison(field: field, op: op, value: .number(number))
        }
        guard [.equal, .notEqual, .like, .ilike].contains(op) else {
            throw lexer.error(at: opPosition, "operator \(op.rawValue) does not apply to a string: use =, !=, LIKE, ILIKE")
        }
        guard case .string(let text) = token.token else {
            throw lexer.error(at: token.position, "expected a quoted string")
        }
        return Comparison(field: field, op: op, value: .string(text))
    }

    /// The WHERE conditions, each on the experiment row `e`.
    func conditions(backend: MetadataStore.Backend) -> [SQLQueryString] {
        comparisons.map { c in
            switch (c.field, c.value) {
            case (.tag(let key), _):
                return """
                    EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = \(bind: key) \
                    AND \(RunFilter.stringComparison("t.value", c.op, c.value, backend: backend)))
                    """
            case (_, .number(let number)):
                return "\(unsafeRaw: c.field.column) \(unsafeRaw: RunFilter.sqlOperator(c.op)) \(bind: Int64(number))"
            default:
                return RunFilter.stringComparison(c.field.column, c.op, c.value, backend: backend)
            }
        }
    }

    /// The ORDER BY terms: the requested ones, else MLflow's newest first; experiment id last, so pages are stable.
    var sorts: [String] {
        var terms = (orders.isEmpty ? [(field: Field.creationTime, ascending: false)] : orders).map { "\($0.field.column) \($0.ascending ? "ASC" : "DESC")" }
        if !orders.contains(where: { $0.field == .experimentId }) { terms.append("e.seq ASC") }
        return terms
    }
}
