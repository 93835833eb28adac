import CWharfFrameSystem

/// An open SQLite database file (the system libsqlite3), closed when released.
final class SQLiteDatabase: @unchecked Sendable {
    let handle: OpaquePointer
    let path: String

    init(path: String, readOnly: Bool) throws(FrameError) {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close(db) }
            throw FrameError(readOnly && rc == SQLITE_CANTOPEN ? .fileNotFound : .sql, "cannot open SQLite file \(path): \(message)", field: path)
        }
        handle = db
        self.path = path
    }

    deinit { sqlite3_close(handle) }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    func prepare(_ sql: String) throws(FrameError) -> OpaquePointer {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            throw FrameError(.sql, "SQL error in \(path): \(lastError) (in: \(sql))", field: "query")
        }
        return stmt
    }

    func execute(_ sql: String) throws(FrameError) {
        let stmt = try prepare(sql)
        defer { sqlite3_finalize(stmt) }
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw FrameError(.sql, "SQL error in \(path): \(lastError) (in: \(sql))", field: "query") }
    }

    static func quoteIdentifier(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// The rows of a SQL query on a SQLite file (the lead-scoring pipeline keeps its tables in one).
public struct SQLiteQuerySource: DataSource {
    public var path: String
    public var query: String

    public init(path: String, query: String) {
        self.path = path
        self.query = query
    }

    /// All rows of one table.
    public init(path: String, table: String) {
        self.init(path: path, query: "SELECT * FROM \(SQLiteDatabase.quoteIdentifier(table))")
    }

    public var description: String { "\(path): \(query)" }

    public func load() async throws(FrameError) -> DataFrame { try loadNow() }

    /// Column types follow the stored values: integers, reals (a mix gives double), text, blobs as text;
    /// `NULL` is null. Declared DATE/TIMESTAMP columns holding ISO text become dates or timestamps.
    public func loadNow() throws(FrameError) -> DataFrame {
        let db = try SQLiteDatabase(path: path, readOnly: true)
        let stmt = try db.prepare(query)
        defer { sqlite3_finalize(stmt) }
        let n = Int(sqlite3_column_count(stmt))
        let names = (0..<n).map { String(cString: sqlite3_column_name(stmt, Int32($0))) }
        let declared = (0..<n).map { sqlite3_column_decltype(stmt, Int32($0)).map { String(cString: $0).uppercased() } ?? "" }
        var values = [[Value]](repeating: [], count: n)
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw FrameError(.sql, "SQL error in \(path): \(db.lastError)", field: "query") }
            for j in 0..<n {
                let c = Int32(j)
                switch sqlite3_column_type(stmt, c) {
                case SQLITE_INTEGER: values[j].append(.int(sqlite3_column_int64(stmt, c)))
                case SQLITE_FLOAT: values[j].append(.double(sqlite3_column_double(stmt, c)))
                case SQLITE_NULL: values[j].append(.null)
                default:
                    let text = sqlite3_column_text(stmt, c).map { String(cString: $0) } ?? ""
                    values[j].append(.string(text))
                }
            }
        }
        var columns: [Column] = []
        var used = Set<String>()
        for j in 0..<n {
            var name = names[j]
            var k = 1
            while used.contains(name) { name = "\(names[j]).\(k)"; k += 1 }
            used.insert(name)
            var column: Column
            if values[j].allSatisfy(\.isNull) {
                // No value to infer from: follow the declared type affinity.
                let d = declared[j]
                let t: DataType = d.contains("INT") ? .int64 : (d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB")) ? .double : .string
                column = Column(name, values: values[j], type: t)
            } else {
                column = Column(name, values: values[j])
            }
            if declared[j].contains("DATE") || declared[j].contains("TIME"), column.type == .string {
                column = RecordColumns.datesIfAll(column)
            }
            columns.append(column)
        }
        return try DataFrame(columns)
    }
}

/// Writes a frame to a SQLite table in one transaction.
public enum SQLiteWriter {
    /// What to do when the table exists.
    public enum IfExists: Sendable { case fail, replace, append }

    public static func write(_ frame: DataFrame, to path: String, table: String, ifExists: IfExists = .fail) throws(FrameError) {
        let db = try SQLiteDatabase(path: path, readOnly: false)
        let t = SQLiteDatabase.quoteIdentifier(table)
        let check = try db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?")
        sqlite3_bind_text(check, 1, table, -1, SQLITE_TRANSIENT_VALUE)
        let exists = sqlite3_step(check) == SQLITE_ROW
        sqlite3_finalize(check)
        try db.execute("BEGIN")
        do throws(FrameError) {
            if exists {
                switch ifExists {
                case .fail: throw FrameError(.invalidArgument, "table '\(table)' already exists in \(path)", field: table)
                case .replace: try db.execute("DROP TABLE \(t)")
                case .append: break
                }
            }
            if !exists || ifExists == .replace {
                let cols = frame.columns.map { "\(SQLiteDatabase.quoteIdentifier($0.name)) \(sqlType($0.type))" }.joined(separator: ", ")
                try db.execute("CREATE TABLE \(t) (\(cols))")
            }
            let placeholders = Array(repeating: "?", count: frame.columnCount).joined(separator: ", ")
            let insert = try db.prepare("INSERT INTO \(t) VALUES (\(placeholders))")
            defer { sqlite3_finalize(insert) }
            for i in 0..<frame.rowCount {
                for (j, c) in frame.columns.enumerated() {
                    let k = Int32(j + 1)
                    let v = c[i]
                    switch v {
                    case .null: sqlite3_bind_null(insert, k)
                    case .int(let x): sqlite3_bind_int64(insert, k, x)
                    case .double(let x): sqlite3_bind_double(insert, k, x)
                    case .bool(let b): sqlite3_bind_int64(insert, k, b ? 1 : 0)
                    case .string(let s): sqlite3_bind_text(insert, k, s, -1, SQLITE_TRANSIENT_VALUE)
                    case .date, .timestamp: sqlite3_bind_text(insert, k, v.description, -1, SQLITE_TRANSIENT_VALUE)
                    case .list: sqlite3_bind_text(insert, k, v.jsonText, -1, SQLITE_TRANSIENT_VALUE)
                    }
                }
                guard sqlite3_step(insert) == SQLITE_DONE else {
                    throw FrameError(.sql, "insert of row \(i) into '\(table)' failed: \(db.lastError)", field: table, row: i)
                }
                sqlite3_reset(insert)
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    static func sqlType(_ t: DataType) -> String {
        switch t {
        case .int64, .bool: return "INTEGER"
        case .double, .float: return "REAL"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        default: return "TEXT"
        }
    }
}

/// SQLite's SQLITE_TRANSIENT (copy the bound text), which the C macro cannot express in Swift.
let SQLITE_TRANSIENT_VALUE = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
