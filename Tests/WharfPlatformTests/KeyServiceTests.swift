import Foundation
import SQLKit
import Testing
@testable import WharfPlatform

@Suite struct KeyServiceTests {
    @Test(arguments: TestBackend.enabled)
    func createAuthenticateAndRevoke(backend: TestBackend) async throws {
        let store = try await backend.open()
        let keys = KeyService(store: store, sealer: testSealer)
        #expect(try await keys.hasActiveKeys() == false)

        let issued = try await keys.create(name: "ci", role: .write)
        #expect(issued.key.accessKeyId.hasPrefix("WK") && issued.key.accessKeyId.count == 20)
        #expect(issued.secret.count == 40)
        #expect(try await keys.hasActiveKeys())
        #expect(try await keys.authenticate(bearer: issued.secret)?.accessKeyId == issued.key.accessKeyId)
        #expect(try await keys.authenticate(bearer: issued.secret + "x") == nil)
        #expect(try await keys.secret(forAccessKeyId: issued.key.accessKeyId)?.secret == issued.secret)

        let revoked = try await keys.revoke(issued.key.accessKeyId)
        #expect(revoked.revokedAt != nil)
        #expect(try await keys.authenticate(bearer: issued.secret) == nil)
        #expect(try await keys.secret(forAccessKeyId: issued.key.accessKeyId) == nil)
        #expect(try await keys.hasActiveKeys() == false)
        try await store.close()
    }

    /// Two servers sharing one database: a key revoked on one stops working on the other once the
    /// other's secret cache expires, while the revoking server refuses it at once.
    @Test(arguments: TestBackend.enabled)
    func revocationReachesAnotherServerWithinTheCacheWindow(backend: TestBackend) async throws {
        let store = try await backend.open()
        let window: Int64 = 400
        let first = KeyService(store: store, sealer: testSealer, secretCacheMilliseconds: window)
        let second = KeyService(store: store, sealer: testSealer, secretCacheMilliseconds: window)
        let issued = try await first.create(name: "shared", role: .write)
        let id = issued.key.accessKeyId
        #expect(try await second.secret(forAccessKeyId: id)?.secret == issued.secret)
        let revokedAt = ContinuousClock.now
        _ = try await first.revoke(id)
        #expect(try await first.secret(forAccessKeyId: id) == nil)
        #expect(try await second.authenticate(bearer: issued.secret) == nil, "bearer tokens are never cached")
        // The other server may still accept the cached secret, but never past the window.
        try await Task.sleep(until: revokedAt + .milliseconds(window + 50))
        #expect(try await second.secret(forAccessKeyId: id) == nil)
        #expect(KeyService(store: store, sealer: testSealer).secretCacheMilliseconds == 5_000)
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func secretsAreSealedAtRest(backend: TestBackend) async throws {
        let store = try await backend.open()
        let issued = try await KeyService(store: store, sealer: testSealer).create(name: "ci", role: .admin)
        let stored = try await store.withDatabase { db in
            try await db.raw("SELECT secret_sealed FROM api_keys").first()!.decode(column: "secret_sealed", as: String.self)
        }
        #expect(!stored.contains(issued.secret))
        let otherServer = KeyService(store: store, sealer: SecretSealer(key: .init(data: Data(repeating: 9, count: 32))))
        await #expect(throws: WharfError.self) { _ = try await otherServer.secret(forAccessKeyId: issued.key.accessKeyId) }
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func badInputNamesTheField(backend: TestBackend) async throws {
        let store = try await backend.open()
        let keys = KeyService(store: store, sealer: testSealer)
        await #expect(throws: WharfError.invalid("name", "a key name must be 1 to 128 characters")) {
            _ = try await keys.create(name: "  ", role: .read)
        }
        await #expect(throws: WharfError.notFound("key", "WKNOPE")) { _ = try await keys.get("WKNOPE") }
        try await store.close()
    }

    @Test func rolesIncludeTheOnesBelow() {
        #expect(Role.admin.allows(.write) && Role.admin.allows(.read))
        #expect(Role.write.allows(.read) && !Role.write.allows(.admin))
        #expect(!Role.read.allows(.write))
    }

    @Test func serverKeyFileIsCreatedPrivateAndReused() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-key-\(UUID().uuidString)")
        let first = try SecretSealer.load(secretKey: nil, home: home)
        let attributes = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent("server.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let sealed = try first.seal("hello")
        #expect(try SecretSealer.load(secretKey: nil, home: home).open(sealed) == "hello")
        #expect(throws: WharfError.self) { _ = try SecretSealer.load(secretKey: "short", home: home) }
    }
}
