import SQLKit

/// Rows of one table that several processes take turns on (queued jobs, due schedule times, executions
/// to resume): a claim hands each row to exactly one owner until its lease runs out, and a row whose
/// owner stopped renewing can be claimed again. The table needs a text id column and two columns,
/// `lease_owner TEXT` and `lease_expires_at BIGINT` (milliseconds since the epoch), both nullable.
///
/// PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so claimers never wait on each other's rows; SQLite
/// admits one writer at a time, so the same statement in its `BEGIN IMMEDIATE` transaction is exclusive.
public struct LeasedRows: Sendable {
    public let table: String
    public let idColumn: String

    /// `table` and `idColumn` come from Wharf's own code, never from requests: they are spliced into SQL.
    public init(table: String, idColumn: String = "id") {
        precondition(Self.isIdentifier(table) && Self.isIdentifier(idColumn), "not an SQL identifier")
        self.table = table
        self.idColumn = idColumn
    }

    /// Claims up to `limit` rows that satisfy `condition` (an SQL boolean over the table's columns, may bind
    /// values) and whose lease is free or expired at `now`, oldest first by `orderBy`. Returns their ids.
    /// `then` runs in the claim's own transaction with the claimed ids (never empty), so a caller can move
    /// the rows to their next state atomically with taking them.
    public func claim(
        in store: MetadataStore, where condition: SQLQueryString = "1 = 1", orderBy: String? = nil,
        owner: String, now: Int64, leaseMilliseconds: Int64, limit: Int,
        then: (@Sendable (any SQLDatabase, [String]) async throws -> Void)? = nil
    ) async throws -> [String] {
        precondition(orderBy.map(Self.isIdentifier) ?? true, "not an SQL identifier")
        guard limit > 0 else { return [] }
        let order = orderBy ?? idColumn
        let lock = store.backend == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        // Pick the rows first (locked, skipping rows other claimers hold), then take them: the ids come
        // back in `orderBy` order, which an UPDATE ... RETURNING does not promise.
        let head: SQLQueryString = """
            SELECT \(unsafeRaw: idColumn) AS id FROM \(unsafeRaw: table)
            WHERE (
            """
        let tail: SQLQueryString = """
            ) AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= \(bind: now))
            ORDER BY \(unsafeRaw: order) LIMIT \(literal: limit)\(unsafeRaw: lock)
            """
        let pick = head + condition + tail
        let table = self.table, idColumn = self.idColumn
        return try await store.transaction { db in
            let ids = try await db.raw(pick).all().map { try $0.decode(column: "id", as: String.self) }
            guard !ids.isEmpty else { return [] }
            try await db.raw("""
                UPDATE \(unsafeRaw: table) SET lease_owner = \(bind: owner), lease_expires_at = \(bind: now + leaseMilliseconds)
                WHERE \(unsafeRaw: idColumn) IN (\(binds: ids))
                """).run()
            try await then?(db, ids)
            return ids
        }
    }

    /// Extends the leases `owner` still holds among `ids` to `now + leaseMilliseconds`; returns the ids it
    /// still holds (a lease that expired and was claimed by another owner is lost: stop that work).
    public func renew(
        in store: MetadataStore, ids: [String], owner: String, now: Int64, leaseMilliseconds: Int64
    ) async throws -> [String] {
        guard !ids.isEmpty else { return [] }
        let table = self.table, idColumn = self.idColumn
        return try await store.transaction { db in
            var held: [String] = []
            for id in ids {
                let rows = try await db.raw("""
                    UPDATE \(unsafeRaw: table) SET lease_expires_at = \(bind: now + leaseMilliseconds)
                    WHERE \(unsafeRaw: idColumn) = \(bind: id) AND lease_owner = \(bind: owner)
                    RETURNING \(unsafeRaw: idColumn) AS renewed
                    """).all()
                if !rows.isEmpty { held.append(id) }
            }
            return held
        }
    }

    /// Gives up `owner`'s lease on `id` (when the work is done or handed back). False when it was not held.
    @discardableResult
    public func release(in store: MetadataStore, id: String, owner: String) async throws -> Bool {
        let table = self.table, idColumn = self.idColumn
        return try await store.transaction { db in
            try await !db.raw("""
                UPDATE \(unsafeRaw: table) SET lease_owner = NULL, lease_expires_at = NULL
                WHERE \(unsafeRaw: idColumn) = \(bind: id) AND lease_owner = \(bind: owner)
                RETURNING \(unsafeRaw: idColumn) AS released
                """).all().isEmpty
        }
    }

    /// The ids whose lease had expired at `now` while still owned: work whose owner died (no heartbeat).
    public func expired(in store: MetadataStore, now: Int64) async throws -> [String] {
        let table = self.table, idColumn = self.idColumn
        return try await store.withDatabase { db in
            try await db.raw("""
                SELECT \(unsafeRaw: idColumn) AS id FROM \(unsafeRaw: table)
                WHERE lease_owner IS NOT NULL AND lease_expires_at <= \(bind: now) ORDER BY \(unsafeRaw: idColumn)
                """).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")) else {
            return false
        }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }
}
