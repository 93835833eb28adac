import Foundation
import SQLKit
import Testing
@testable import WharfPlatform

@Suite struct MetadataStoreTests {
    @Test(arguments: TestBackend.enabled)
    func migratesAFreshDatabaseToTheLatestVersion(backend: TestBackend) async throws {
        let store = try await backend.open()
        #expect(try await store.schemaVersion() == Migrations.latestVersion)
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func reopeningIsIdempotentAndKeepsData(backend: TestBackend) async throws {
        let location = try await backend.location()
        let first = try await MetadataStore.open(url: location)
        let issued = try await KeyService(store: first, sealer: testSealer).create(name: "ci", role: .write)
        try await first.close()

        let second = try await MetadataStore.open(url: location)
        let keys = try await KeyService(store: second, sealer: testSealer).list()
        #expect(keys.map(\.accessKeyId) == [issued.key.accessKeyId])
        #expect(try await second.schemaVersion() == Migrations.latestVersion)
        try await second.close()
    }

    @Test(arguments: TestBackend.enabled)
    func refusesADatabaseFromANewerBinary(backend: TestBackend) async throws {
        let location = try await backend.location()
        let store = try await MetadataStore.open(url: location)
        try await store.withDatabase { db in
            try await db.raw("INSERT INTO wharf_schema (version, name, applied_at, oldest_binary) VALUES (9999, 'future', 0, 9999)").run()
        }
        try await store.close()
        do {
            _ = try await MetadataStore.open(url: location)
            Issue.record("opening a newer database must fail")
        } catch let error as WharfError {
            #expect(error.message.contains("schema version 9999"))
            #expect(error.message.contains("upgrade wharf"))
            #expect(error.field == "database")
        }
    }

    /// Rolling upgrades: a newer binary's additive steps leave the database usable by this one.
    @Test(arguments: TestBackend.enabled)
    func opensADatabaseANewerBinaryOnlyAddedTo(backend: TestBackend) async throws {
        let location = try await backend.location()
        let store = try await MetadataStore.open(url: location)
        let issued = try await KeyService(store: store, sealer: testSealer).create(name: "before", role: .read)
        try await store.withDatabase { db in
            try await db.raw("CREATE TABLE future_things (id TEXT PRIMARY KEY)").run()
            try await db.raw("INSERT INTO wharf_schema (version, name, applied_at, oldest_binary) VALUES (9998, 'additive', 0, 0)").run()
        }
        try await store.close()
        let older = try await MetadataStore.open(url: location)
        #expect(try await older.schemaVersion() == 9998)
        let keys = KeyService(store: older, sealer: testSealer)
        _ = try await keys.create(name: "after", role: .read)
        #expect(Set(try await keys.list().map(\.name)) == ["before", "after"])
        #expect(try await keys.list().contains { $0.accessKeyId == issued.key.accessKeyId })
        try await older.close()
    }

    /// Child processes and workers open the store often: with nothing to migrate, opening must not wait for
    /// the write lock another process holds (before, it queued behind it with BEGIN IMMEDIATE or the
    /// PostgreSQL migration lock).
    @Test(.timeLimit(.minutes(1)), arguments: TestBackend.enabled)
    func openingAMigratedDatabaseTakesNoWriteLock(backend: TestBackend) async throws {
        let location = try await backend.location()
        let holder = try await MetadataStore.open(url: location)
        let (locked, lockedSignal) = AsyncStream<Void>.makeStream()
        let (opened, openedSignal) = AsyncStream<Void>.makeStream()
        let holding = Task {
            try await holder.transaction { db in
                if holder.backend == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(7261626)").run() }
                try await db.raw("INSERT INTO wharf_schema (version, name, applied_at) VALUES (-1, 'lock holder', 0)").run()
                lockedSignal.yield()
                for await _ in opened { break }
                // Undone by the rollback: the row only made this transaction a writer.
                throw CancellationError()
            }
        }
        for await _ in locked { break }
        let second = try await MetadataStore.open(url: location)
        #expect(try await second.schemaVersion() == Migrations.latestVersion)
        openedSignal.yield()
        _ = await holding.result
        try await second.close()
        try await holder.close()
    }

    @Test(arguments: TestBackend.enabled)
    func constraintViolationsAreConflictsNotInternalErrors(backend: TestBackend) async throws {
        let store = try await backend.open()
        let insert = """
            INSERT INTO api_keys (access_key_id, name, role, secret_sealed, secret_digest, created_at)
            VALUES ('WKSAME', 'x', 'read', 's', 'd', 0)
            """
        try await store.transaction { db in try await db.raw(SQLQueryString(insert)).run() }
        do {
            try await store.transaction { db in try await db.raw(SQLQueryString(insert)).run() }
            Issue.record("a duplicate primary key must fail")
        } catch let error as WharfError {
            #expect(error.kind == .conflict, "\(error)")
        }
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aFailedTransactionLeavesNoTrace(backend: TestBackend) async throws {
        let store = try await backend.open()
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.transaction { db in
                try await db.raw("""
                    INSERT INTO api_keys (access_key_id, name, role, secret_sealed, secret_digest, created_at)
                    VALUES ('WKX', 'x', 'read', 's', 'd', 0)
                    """).run()
                throw Boom()
            }
        }
        let count = try await store.withDatabase { db in
            try await db.raw("SELECT COUNT(*) AS n FROM api_keys").first()!.decode(column: "n", as: Int.self)
        }
        #expect(count == 0)
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func concurrentWritersAllLand(backend: TestBackend) async throws {
        let store = try await backend.open()
        let keys = KeyService(store: store, sealer: testSealer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask { _ = try await keys.create(name: "writer-\(index)", role: .read) }
            }
            try await group.waitForAll()
        }
        let names = Set(try await keys.list().map(\.name))
        #expect(names == Set((0..<40).map { "writer-\($0)" }))
        try await store.close()
    }

    @Test func rejectsUnknownDatabaseURLs() async {
        await #expect(throws: WharfError.invalid("database", "unsupported database URL 'mysql://x': use sqlite:PATH or postgres://...")) {
            _ = try await MetadataStore.open(url: "mysql://x")
        }
    }

    @Test func redactsPasswordsInDisplayedLocations() {
        #expect(MetadataStore.redact("postgres://u:secret@h:5432/db") == "postgres://u:***@h:5432/db")
    }
}
