import SQLKit

/// MLflow's logged-model search filter: attributes (`name`, `model_id`, `model_type`, `status`, `source_run_id`,
/// `creation_time`, `last_updated_time`), `metrics.<key>`, `params.<key>` and `tags.<key>`, joined by AND,
/// as SQL over the `logged_models` table `lm`.
struct LoggedModelSearch {
    enum Field: Equatable {
        case attribute(column: String, numeric: Bool)
        case metric(String)
        case param(String)
        case tag(String)
    }

    struct Comparison {
        var field: Field
        var op: RunFilter.Operator
        var value: RunFilter.Value
    }

    var comparisons: [Comparison] = []

    static let stringAttributes = ["name": "name", "model_id": "model_id", "model_type": "model_type", "status": "status", "source_run_id": "source_run_id"]
    static let numericAttributes = [
        "creation_time": "creation_time", "creation_timestamp": "creation_time", "creation_timestamp_ms": "creation_time",
        "last_updated_time": "last_updated_time", "last_updated_timestamp": "last_updated_time", "last_updated_timestamp_ms": "last_updated_time",
    ]

    static func parse(_ filter: String?) throws -> LoggedModelSearch {
        var search = LoggedModelSearch()
        guard let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty else { return search }
        var lexer = FilterLexer(text: filter, field: "filter")
        while true {
            search.comparisons.append(try parseComparison(&lexer))
            guard let next = try lexer.next() else { return search }
            guard case .word(let word) = next.token, word.uppercased() == "AND" else {
                throw lexer.error(at: next.position, "expected AND between comparisons (OR is not supported)")
            }
        }
    }

    static func parseField(_ lexer: inout FilterLexer) throws -> Field {
        let (entity, key, position) = try lexer.qualifiedName(defaultEntity: "attributes", example: "name or metrics.accuracy")
        switch entity {
        case "metric", "metrics": return .metric(key)
        case "param", "params": return .param(key)
        case "tag", "tags": return .tag(key)
        case "attribute", "attributes", "attr":
            if let column = stringAttributes[key] { return .attribute(column: column, numeric: false) }
            if let column = numericAttributes[key] { return .attribute(column: column, numeric: true) }
            throw lexer.error(at: position, "unknown logged-model attribute '\(key)': use name, model_id, model_type, status, source_run_id, creation_time or last_updated_time")
        default:
            throw lexer.error(at: position, "unknown entity '\(entity)': use attributes., metrics., params. or tags.")
        }
    }

    static func parseComparison(_ lexer: inout FilterLexer) throws -> Comparison {
        let field = try parseField(&lexer)
        let (op, opPosition) = try lexer.comparisonOperator()
        let numeric: Bool
        switch field {
        case .metric: numeric = true
        case .attribute(_, let isNumeric): numeric = isNumeric
        case .param, .tag: numeric = false
        }
        if numeric {
            guard [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) else {
                throw lexer.error(at: opPosition, "operator \(op.rawValue) does not apply to a number: use =, !=, <, <=, >, >=")
            }
            guard let token = try lexer.next(), case .word(let text) = token.token, let number = Double(text) else {
                throw lexer.error(at: lexer.offset, "expected a number")
            }
            // Times are 64-bit integers in the database: a number beyond them cannot be a bound.
            if case .attribute = field, !(number.isFinite && abs(number) < 9.2e18) {
                throw lexer.error(at: token.position, "a time is compared with a number of milliseconds: \(text) is out of range")
            }
            return Comparison(field: field, op: op, value: .number(number))
        }
        if op == .in || op == .notIn {
            guard case .attribute = field else { throw lexer.error(at: opPosition, "IN applies to attributes only") }
            return Comparison(field: field, op: op, value: .list(try RunFilter.parseList(&lexer).map { normalise(field, $0) }))
        }
        guard [.equal, .notEqual, .like, .ilike].contains(op) else {
            throw lexer.error(at: opPosition, "operator \(op.rawValue) does not apply to a string: use =, !=, LIKE, ILIKE")
        }
        guard let token = try lexer.next(), case .string(let text) = token.token else {
            throw lexer.error(at: lexer.offset, "expected a quoted string")
        }
        return Comparison(field: field, op: op, value: .string(normalise(field, text)))
    }

    /// Statuses are stored without MLflow's `LOGGED_MODEL_` prefix; either spelling is accepted.
    static func normalise(_ field: Field, _ text: String) -> String {
        guard field == .attribute(column: "status", numeric: false) else { return text }
        switch text.uppercased() {
        case "LOGGED_MODEL_READY", "READY": return "READY"
        case "LOGGED_MODEL_PENDING", "PENDING": return "PENDING"
        case "LOGGED_MODEL_UPLOAD_FAILED", "FAILED": return "FAILED"
        default: return text
        }
    }

    /// The WHERE conditions on `lm`. A metric comparison matches when any value of that metric logged against
    /// the model satisfies it, as in MLflow; with `datasets`, only values logged on one of them count, and
    /// without any metric comparison the model must have a metric logged on one of them.
    func conditions(backend: MetadataStore.Backend, datasets: [LoggedModelDataset] = []) -> [SQLQueryString] {
        var onDatasets: SQLQueryString = ""
        if !datasets.isEmpty {
            let each = datasets.map { d -> SQLQueryString in
                var one: SQLQueryString = "(mm.dataset_name = \(bind: d.name)"
                if let digest = d.digest { one += " AND mm.dataset_digest = \(bind: digest)" }
                return one + ")"
            }
            onDatasets = " AND (\(each.joined(separator: " OR ")))"
        }
        var result: [SQLQueryString] = comparisons.map { c in
            switch c.field {
            case .attribute(let column, true):
                guard case .number(let number) = c.value else { return "1 = 0" }
                return "lm.\(unsafeRaw: column) \(unsafeRaw: RunFilter.sqlOperator(c.op)) \(bind: Int64(number))"
            case .attribute(let column, false):
                return RunFilter.stringComparison("lm.\(column)", c.op, c.value, backend: backend)
            case .metric(let key):
                guard case .number(let number) = c.value else { return "1 = 0" }
                return """
                    EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = \(bind: key) \
                    AND mm.is_nan = 0 AND mm.value \(unsafeRaw: RunFilter.sqlOperator(c.op)) \(bind: number)\(onDatasets))
                    """
            case .param(let key):
                return """
                    EXISTS (SELECT 1 FROM logged_model_params mp WHERE mp.model_id = lm.model_id AND mp.key = \(bind: key) \
                    AND \(RunFilter.stringComparison("mp.value", c.op, c.value, backend: backend)))
                    """
            case .tag(let key):
                return """
                    EXISTS (SELECT 1 FROM logged_model_tags mt WHERE mt.model_id = lm.model_id AND mt.key = \(bind: key) \
                    AND \(RunFilter.stringComparison("mt.value", c.op, c.value, backend: backend)))
                    """
            }
        }
        if !datasets.isEmpty, !comparisons.contains(where: { if case .metric = $0.field { true } else { false } }) {
            result.append("EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id\(onDatasets))")
        }
        return result
    }
}

/// A data set a logged-model search restricts metrics to (MLflow's `datasets` entry): a name, and optionally a digest.
public struct LoggedModelDataset: Sendable, Hashable {
    public var name: String
    public var digest: String?

    public init(name: String, digest: String? = nil) {
        self.name = name
        self.digest = digest
    }
}

/// One `order_by` entry of a logged-model search, as MLflow sends it: a field (`name`, `creation_timestamp`,
/// `metrics.accuracy`, `params.x`, `tags.x`, ...), a direction, and for metrics an optional dataset that the
/// value must have been logged against.
public struct LoggedModelOrder: Sendable, Equatable {
    public var fieldName: String
    public var ascending: Bool
    public var datasetName: String?
    public var datasetDigest: String?

    public init(fieldName: String, ascending: Bool = true, datasetName: String? = nil, datasetDigest: String? = nil) {
        self.fieldName = fieldName
        self.ascending = ascending
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }
}

extension LoggedModelSearch {
    /// The ORDER BY terms for `orders` (errors name `order_by[i].field_name`), always ending with the
    /// newest-first default and the model id so pages are stable. Missing values sort last in either direction;
    /// a metric orders by its latest value (highest step, then timestamp) for the model.
    static func orderTerms(_ orders: [LoggedModelOrder]) throws -> [SQLQueryString] {
        var terms: [SQLQueryString] = []
        for (index, order) in orders.enumerated() {
            var lexer = FilterLexer(text: order.fieldName, field: "order_by[\(index)].field_name")
            let field = try parseField(&lexer)
            if let extra = try lexer.next() {
                throw lexer.error(at: extra.position, "unexpected text after the field name")
            }
            let direction: SQLQueryString = order.ascending ? "ASC" : "DESC"
            let value: SQLQueryString
            switch field {
            case .attribute(let column, _):
                terms.append("lm.\(unsafeRaw: column) \(direction)")
                continue
            case .metric(let key):
                var metric: SQLQueryString = "SELECT mm.value FROM logged_model_metrics mm WHERE mm.model_id = lm.model_id AND mm.key = \(bind: key)"
                if let name = order.datasetName { metric += " AND mm.dataset_name = \(bind: name)" }
                if let digest = order.datasetDigest { metric += " AND mm.dataset_digest = \(bind: digest)" }
                metric += " ORDER BY mm.step DESC, mm.timestamp DESC LIMIT 1"
                value = "(\(metric))"
            case .param(let key):
                value = "(SELECT mp.value FROM logged_model_params mp WHERE mp.model_id = lm.model_id AND mp.key = \(bind: key))"
            case .tag(let key):
                value = "(SELECT mt.value FROM logged_model_tags mt WHERE mt.model_id = lm.model_id AND mt.key = \(bind: key))"
            }
            terms.append("CASE WHEN \(value) IS NULL THEN 1 ELSE 0 END")
            terms.append("\(value) \(direction)")
        }
        terms.append("lm.creation_time DESC")
        terms.append("lm.model_id")
        return terms
    }
}
