import SQLKit

/// A statement built as text whose bound values are referenced by number (`?3` in SQLite, `$3` in PostgreSQL),
/// so a value repeated on many rows (a run id, a metric key) is bound once. Building a 1,000-row insert this
/// way skips SQLKit's per-fragment interpolation and its per-bind encoding, which cost more than the insert.
struct NumberedStatement: SQLExpression {
    /// The statement's text as UTF-8, turned into a String once when serialized.
    private var text: [UInt8] = []
    private(set) var binds: [any Encodable & Sendable] = []
    private let database: any SQLDatabase

    init(database: any SQLDatabase, reservingCapacity capacity: Int = 0) {
        self.database = database
        text.reserveCapacity(capacity)
    }

    var sql: String { String(decoding: text, as: UTF8.self) }

    /// Binds `value` and returns its numbered parameter marker (`?3` or `$3`), to be written wherever the value is used.
    mutating func bind(_ value: any Encodable & Sendable) -> String {
        binds.append(value)
        var serializer = SQLSerializer(database: database)
        database.dialect.bindPlaceholder(at: binds.count).serialize(to: &serializer)
        return serializer.sql
    }

    /// Writes a double: finite values as their shortest round-tripping literal (they are parsed Doubles, so no
    /// text of the client's reaches the statement), infinities bound, NaN as 0 (stored beside an `is_nan` flag).
    mutating func append(number value: Double) {
        if value.isNaN {
            text.append(UInt8(ascii: "0"))
        } else if value.isFinite {
            text.append(contentsOf: value.description.utf8)
        } else {
            append(bind(value))
        }
    }

    /// Writes an integer's decimal digits without making a String.
    mutating func append(integer value: Int64) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var n = 0
            repeat {
                buffer[buffer.count - 1 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            return n
        }
        withUnsafeBytes(of: &digits) { text.append(contentsOf: $0.suffix(count)) }
    }

    mutating func append(_ fragment: String) {
        text.append(contentsOf: fragment.utf8)
    }

    func serialize(to serializer: inout SQLSerializer) {
        // The parameter markers were numbered from 1: this expression must be the whole statement.
        precondition(serializer.binds.isEmpty, "a NumberedStatement must be the whole statement")
        serializer.binds.append(contentsOf: binds)
        serializer.write(sql)
    }
}
