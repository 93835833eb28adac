import Crypto
import Foundation
import SQLKit
import Synchronization

/// Creates, lists, revokes and authenticates API keys. Secrets are sealed in the metadata store;
/// decrypted secrets are cached for a few seconds, so a revocation reaches every server within that time.
public final class KeyService: Sendable {
    let store: MetadataStore
    /// Where key times, session expiry and the secret cache read the time (a `ManualClock` in tests).
    let clock: any PlatformClock
    let sealer: SecretSealer
    private let cache = Mutex<[String: CachedSecret]>([:])
    /// Temporary credentials as last read (KeyService+Sessions).
    let sessionCache = Mutex<[String: CachedSession]>([:])
    /// How long a decrypted secret is trusted without asking the database again: the longest a
    /// revocation made by another server sharing the database takes to reach this one.
    public let secretCacheMilliseconds: Int64
    /// Whether any active key exists, as last read, and when: asked on every call to an open server.
    private let activeKeys = Mutex<(exists: Bool, loadedAt: Int64)?>(nil)
    private static let activeKeysMilliseconds: Int64 = 1_000

    private struct CachedSecret {
        let key: APIKey
        let secret: String
        let loadedAt: Int64
    }

    public init(store: MetadataStore, sealer: SecretSealer, secretCacheMilliseconds: Int64 = 5_000, clock: any PlatformClock = SystemWallClock()) {
        self.clock = clock
        self.store = store
        self.sealer = sealer
        self.secretCacheMilliseconds = secretCacheMilliseconds
    }

    /// Signs and checks page tokens with a key derived from the server key, the same on every server sharing it.
    public func pageTokens() -> PageTokens {
        PageTokens(key: sealer.derivedKey(purpose: "page-tokens"))
    }

    public func create(name: String, role: Role) async throws -> IssuedKey {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 128 else {
            throw WharfError.invalid("name", "a key name must be 1 to 128 characters")
        }
        let key = APIKey(
            accessKeyId: "WK" + Self.random(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", count: 18),
            name: trimmed,
            role: role,
            createdAt: clock.milliseconds(),
            revokedAt: nil
        )
        let secret = Self.random(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", count: 40)
        let sealed = try sealer.seal(secret)
        let digest = Self.digest(secret)
        defer { activeKeys.withLock { $0 = nil } }
        try await store.transaction { db in
            try await db.raw("""
                INSERT INTO api_keys (access_key_id, name, role, secret_sealed, secret_digest, created_at)
                VALUES (\(bind: key.accessKeyId), \(bind: key.name), \(bind: key.role.rawValue), \(bind: sealed), \(bind: digest), \(bind: key.createdAt))
                """).run()
        }
        return IssuedKey(key: key, secret: secret)
    }

    public func list() async throws -> [APIKey] {
        try await store.withDatabase { db in
            try await db.raw("SELECT access_key_id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at, access_key_id")
                .all().map(Self.decodeKey)
        }
    }

    public func get(_ accessKeyId: String) async throws -> APIKey {
        let row = try await store.withDatabase { db in
            try await db.raw("SELECT access_key_id, name, role, created_at, revoked_at FROM api_keys WHERE access_key_id = \(bind: accessKeyId)").first()
        }
        guard let row else { throw WharfError.notFound("key", accessKeyId) }
        return try Self.decodeKey(row)
    }

    /// Revokes a key; revoking a revoked key is a no-op that returns it unchanged.
    public func revoke(_ accessKeyId: String) async throws -> APIKey {
        let now = clock.milliseconds()
        try await store.transaction { db in
            try await db.raw("UPDATE api_keys SET revoked_at = \(bind: now) WHERE access_key_id = \(bind: accessKeyId) AND revoked_at IS NULL").run()
        }
        cache.withLock { _ = $0.removeValue(forKey: accessKeyId) }
        sessionCache.withLock { $0 = $0.filter { $0.value.credential.key.accessKeyId != accessKeyId } }
        activeKeys.withLock { $0 = nil }
        return try await get(accessKeyId)
    }

    /// Whether any key is active. Read at most once a second per process (keys created or revoked by this
    /// process are seen at once; by another server sharing the database within a second).
    public func hasActiveKeys() async throws -> Bool {
        let now = clock.milliseconds()
        if let known = activeKeys.withLock({ $0 }), now - known.loadedAt < Self.activeKeysMilliseconds {
            return known.exists
        }
        let exists = try await store.withDatabase { db in
            try await db.raw("SELECT COUNT(*) AS n FROM api_keys WHERE revoked_at IS NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        } > 0
        activeKeys.withLock { $0 = (exists, now) }
        return exists
    }

    /// The active key whose secret is `token`, compared in constant time; nil for anything else.
    public func authenticate(bearer token: String) async throws -> APIKey? {
        let digest = Self.digest(token)
        let row = try await store.withDatabase { db in
            try await db.raw("""
                SELECT access_key_id, name, role, created_at, revoked_at, secret_sealed
                FROM api_keys WHERE secret_digest = \(bind: digest) AND revoked_at IS NULL
                """).first()
        }
        guard let row else { return nil }
        let secret = try sealer.open(try row.decode(column: "secret_sealed", as: String.self))
        guard Self.constantTimeEqual(secret, token) else { return nil }
        return try Self.decodeKey(row)
    }

    /// The active key and its secret for an access key id, as SigV4 verification needs them.
    public func secret(forAccessKeyId accessKeyId: String) async throws -> (key: APIKey, secret: String)? {
        let now = clock.milliseconds()
        if let cached = cache.withLock({ $0[accessKeyId] }), now - cached.loadedAt < secretCacheMilliseconds {
            return (cached.key, cached.secret)
        }
        let row = try await store.withDatabase { db in
            try await db.raw("""
                SELECT access_key_id, name, role, created_at, revoked_at, secret_sealed
                FROM api_keys WHERE access_key_id = \(bind: accessKeyId) AND revoked_at IS NULL
                """).first()
        }
        guard let row else {
            cache.withLock { _ = $0.removeValue(forKey: accessKeyId) }
            return nil
        }
        let key = try Self.decodeKey(row)
        let secret = try sealer.open(try row.decode(column: "secret_sealed", as: String.self))
        cache.withLock { $0[accessKeyId] = CachedSecret(key: key, secret: secret, loadedAt: now) }
        return (key, secret)
    }

    static func decodeKey(_ row: any SQLRow) throws -> APIKey {
        let roleText = try row.decode(column: "role", as: String.self)
        return APIKey(
            accessKeyId: try row.decode(column: "access_key_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            role: Role(rawValue: roleText) ?? .read,
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self)
        )
    }

    static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<x.count { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    static func random(alphabet: String, count: Int) -> String {
        let characters = Array(alphabet)
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
    }
}
