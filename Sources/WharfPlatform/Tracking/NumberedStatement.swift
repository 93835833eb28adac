import SQLKit

/// A statement built as text whose bound values are referenced by number (`?3` in SQLite, `$3` in PostgreSQL),
/// so a value repeated on many rows (a run id, a metric key) is bound once. Building a 1,000-row insert this
/// way skips SQLKit's per-fragment interpolation and its per-bind encoding, which cost more than the insert.
struct NumberedStatement: SQLExpression {
    private(set) var sql = ""
    private(set) var binds: [any Encodable & Sendable] = []
    private let database: any SQLDatabase

    init(database: any SQLDatabase, reservingCapacity capacity: Int = 0) {
        self.database = database
        sql.reserveCapacity(capacity)
    }

    /// Binds `value` and returns its placeholder, to be written wherever the value is used.
    mutating func bind(_ value: any Encodable & Sendable) -> String {
        binds.append(value)
        var serializer = SQLSerializer(database: database)
        database.dialect.bindPlaceholder(at: binds.count).serialize(to: &serializer)
        return serializer.sql
    }

    /// A double as SQL: finite values as their shortest round-tripping literal (they are parsed Doubles, so no
    /// text of the client's reaches the statement), infinities bound, NaN as 0 (stored beside an `is_nan` flag).
    mutating func number(_ value: Double) -> String {
        if value.isNaN { return "0" }
        if value.isFinite { return value.description }
        return bind(value)
    }

    mutating func append(_ text: String) {
        sql += text
    }

    func serialize(to serializer: inout SQLSerializer) {
        // The placeholders were numbered from 1: this expression must be the whole statement.
        precondition(serializer.binds.isEmpty, "a NumberedStatement must be the whole statement")
        serializer.binds.append(contentsOf: binds)
        serializer.write(sql)
    }
}
