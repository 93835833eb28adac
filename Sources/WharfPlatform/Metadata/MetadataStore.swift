@preconcurrency import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit

/// Wharf's metadata: one SQL implementation over SQLite (embedded default) or PostgreSQL (shared by many servers).
public final class MetadataStore: Sendable {
    /// Which SQL engine holds the metadata.
    public enum Backend: String, Sendable {
        case sqlite
        case postgres
    }

    // The pools guard their state with a lock; AsyncKit predates Sendable annotations.
    private enum Pool: @unchecked Sendable {
        case sqlite(EventLoopGroupConnectionPool<TunedSQLiteSource>)
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    public let backend: Backend
    /// The location with any password removed, for logs and `/readyz`.
    public let displayLocation: String
    private let pool: Pool
    private let logger: Logger
    /// SQLite admits one writer at a time and its busy wait blocks a thread of the shared pool that the
    /// lock holder needs to commit; queueing this process's writers here keeps that from deadlocking.
    private let writeLock = AsyncLock()

    private init(backend: Backend, displayLocation: String, pool: Pool, logger: Logger) {
        self.backend = backend
        self.displayLocation = displayLocation
        self.pool = pool
        self.logger = logger
    }

    /// Opens the database named by `url` (`sqlite:PATH`, `sqlite:///ABS/PATH` or `postgres://user:pass@host:port/db`)
    /// and brings its schema up to this binary's version.
    public static func open(
        url: String,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "wharf.metadata")
    ) async throws -> MetadataStore {
        let store: MetadataStore
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: url)
            } catch {
                throw WharfError.invalid("database", "not a valid PostgreSQL URL: \(redact(url))")
            }
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: 8,
                pruneInterval: .seconds(60),
                logger: logger,
                on: eventLoopGroup
            )
            store = MetadataStore(backend: .postgres, displayLocation: redact(url), pool: .postgres(pool), logger: logger)
        } else if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw WharfError.invalid("database", "the SQLite URL names no file: \(url)") }
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let pool = EventLoopGroupConnectionPool(
                source: TunedSQLiteSource(path: path),
                maxConnectionsPerEventLoop: 4,
                pruneInterval: nil,
                logger: logger,
                on: eventLoopGroup
            )
            store = MetadataStore(backend: .sqlite, displayLocation: "sqlite:\(path)", pool: .sqlite(pool), logger: logger)
        } else {
            throw WharfError.invalid("database", "unsupported database URL '\(redact(url))': use sqlite:PATH or postgres://...")
        }
        do {
            // Child processes and workers open the store often: only a pending migration takes the write lock.
            if try await store.migrationsPending() { try await store.migrate() }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// Runs `body` on one pooled connection.
    public func withDatabase<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let logger = self.logger
        do {
            switch pool {
            case .sqlite(let pool):
                return try await pool.withConnection(logger: logger) { connection in
                    connection.eventLoop.makeFutureWithTask { try await body(connection.sql()) }
                }.get()
            case .postgres(let pool):
                return try await pool.withConnection(logger: logger) { connection in
                    connection.eventLoop.makeFutureWithTask { try await body(connection.sql()) }
                }.get()
            }
        } catch let error as WharfError {
            throw error
        } catch let error as ConnectionPoolError {
            throw WharfError(.unavailable, "metadata database unavailable: \(error)")
        } catch let error as PSQLError {
            throw SQLErrorMapping.wharfError(error)
        } catch let error as SQLiteError {
            throw SQLErrorMapping.wharfError(error)
        }
    }

    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    /// SQLite takes the write lock up front (`BEGIN IMMEDIATE`) so concurrent writers wait instead of deadlocking.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let run = {
            try await self.withDatabase { db in
                try await db.raw(SQLQueryString(self.backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")).run()
                do {
                    let result = try await body(db)
                    try await db.raw("COMMIT").run()
                    return result
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
        if backend == .sqlite {
            return try await writeLock.withLock { try await run() }
        }
        return try await run()
    }

    /// Checks that the database answers a trivial query.
    public func ping() async throws {
        try await withDatabase { db in try await db.raw("SELECT 1").run() }
    }

    public func close() async throws {
        switch pool {
        case .sqlite(let pool): try await pool.shutdownAsync()
        case .postgres(let pool): try await pool.shutdownAsync()
        }
    }

    /// The schema version this database is at.
    public func schemaVersion() async throws -> Int {
        try await withDatabase { db in try await Migrations.currentVersion(db) }
    }

    /// Whether this binary has schema steps the database lacks; a newer database is checked for whether
    /// this binary may still use it (its newer steps were all additive).
    private func migrationsPending() async throws -> Bool {
        let state: Migrations.State? = try await withDatabase { db in try await Migrations.state(db) }
        guard let state else { return true }
        if state.version > Migrations.latestVersion { try Migrations.checkReadable(state) }
        return state.version < Migrations.latestVersion
    }

    private func migrate() async throws {
        let backend = self.backend
        try await transaction { db in
            try await Migrations.apply(to: db, backend: backend)
        }
    }

    static func redact(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

/// Opens SQLite connections with the settings a multi-connection server needs:
/// WAL so readers never block the writer, a busy timeout so writers queue, foreign keys on.
struct TunedSQLiteSource: ConnectionPoolSource, Sendable {
    let path: String

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: eventLoop)
            .flatMap { connection in
                let pragmas = [
                    "PRAGMA busy_timeout = 10000",
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = NORMAL",
                    "PRAGMA foreign_keys = ON",
                ]
                var future = eventLoop.makeSucceededVoidFuture()
                for pragma in pragmas {
                    future = future.flatMap { connection.query(pragma).map { _ in } }
                }
                return future.map { connection }.flatMapError { error in
                    connection.close().flatMapThrowing { throw error }
                }
            }
    }
}
