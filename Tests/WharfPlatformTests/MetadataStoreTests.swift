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
            try await db.raw("INSERT INTO wharf_schema (version, name, applied_at) VALUES (9999, 'future', 0)").run()
        }
        try await store.close()
        do {
            _ = try await MetadataStore.open(url: location)
            Issue.record("opening a newer database must fail")
        } catch let error as WharfError {
            #expect(error.message.contains("schema version 9999"))
            #expect(error.message.contains("upgrade wharf"))
        }
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
