import Crypto
import Foundation
import SQLKit
import WharfObjectStore

/// Temporary credentials issued from a key by STS `AssumeRole` or `GetSessionToken`: they act with the
/// key's role until they expire or the key is revoked, whichever comes first.
public struct TemporaryCredentials: Sendable, Codable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String
    /// Milliseconds since the epoch.
    public var expiresAt: Int64
    /// The key they were issued from, whose role they carry.
    public var parentAccessKeyId: String
    public var sessionName: String?
    public var roleArn: String?
}

/// What signature verification and the role check need to know of one access key id.
public struct SigningCredential: Sendable {
    /// The key whose role applies: for temporary credentials, the key they were issued from.
    public var key: APIKey
    public var accessKeyId: String
    public var secret: String
    /// Set for temporary credentials.
    public var session: Session?

    public struct Session: Sendable, Equatable {
        public var tokenSHA256: String
        public var expiresAt: Int64
        public var sessionName: String?
        public var roleArn: String?
    }

    /// The form `SigV4Verifier.verify(_:now:bodySHA256:credential:)` takes.
    public var sigV4: SigV4SigningSecret {
        SigV4SigningSecret(
            secret: secret, sessionTokenSHA256: session?.tokenSHA256,
            expiresAt: session.map { Date(timeIntervalSince1970: TimeInterval($0.expiresAt) / 1000) })
    }
}

extension KeyService {
    /// Temporary credentials' access key ids start with this (long-term keys with `WK`).
    public static let temporaryKeyPrefix = "WS"
    /// STS's limits on `DurationSeconds`.
    public static let sessionDurations: ClosedRange<Int> = 900...129_600

    /// Issues temporary credentials acting as `key` for `durationSeconds`.
    public func issueTemporaryCredentials(
        for key: APIKey, durationSeconds: Int, sessionName: String? = nil, roleArn: String? = nil
    ) async throws -> TemporaryCredentials {
        guard Self.sessionDurations.contains(durationSeconds) else {
            throw WharfError.invalid("DurationSeconds", "DurationSeconds must be between \(Self.sessionDurations.lowerBound) and \(Self.sessionDurations.upperBound); got \(durationSeconds)")
        }
        let now = clock.milliseconds()
        let credentials = TemporaryCredentials(
            accessKeyId: Self.temporaryKeyPrefix + Self.random(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", count: 18),
            secretAccessKey: Self.random(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", count: 40),
            sessionToken: Self.random(alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", count: 96),
            expiresAt: now + Int64(durationSeconds) * 1000,
            parentAccessKeyId: key.accessKeyId,
            sessionName: sessionName,
            roleArn: roleArn
        )
        let sealed = try sealer.seal(credentials.secretAccessKey)
        let tokenDigest = Self.digest(credentials.sessionToken)
        // Rows a day past their expiry are of no use to anyone: drop them as new ones come.
        let horizon = now - 86_400_000
        try await store.transaction { db in
            try await db.raw("DELETE FROM sts_sessions WHERE expires_at < \(bind: horizon)").run()
            try await db.raw("""
                INSERT INTO sts_sessions (access_key_id, parent_key_id, secret_sealed, token_sha256, session_name, role_arn, created_at, expires_at)
                VALUES (\(bind: credentials.accessKeyId), \(bind: key.accessKeyId), \(bind: sealed), \(bind: tokenDigest),
                        \(bind: sessionName), \(bind: roleArn), \(bind: now), \(bind: credentials.expiresAt))
                """).run()
        }
        return credentials
    }

    /// The long-term key or the live temporary credentials an access key id names, nil for anything else
    /// (unknown, revoked, or issued from a key since revoked). Expiry is left to the verifier, which
    /// answers `ExpiredToken` for it. Cached like long-term secrets.
    public func signingCredential(forAccessKeyId accessKeyId: String) async throws -> SigningCredential? {
        guard accessKeyId.hasPrefix(Self.temporaryKeyPrefix) else {
            return try await secret(forAccessKeyId: accessKeyId).map {
                SigningCredential(key: $0.key, accessKeyId: accessKeyId, secret: $0.secret, session: nil)
            }
        }
        let now = clock.milliseconds()
        if let cached = sessionCache.withLock({ $0[accessKeyId] }), now - cached.loadedAt < secretCacheMilliseconds {
            return cached.credential
        }
        let row = try await store.withDatabase { db in
            try await db.raw("""
                SELECT k.access_key_id, k.name, k.role, k.created_at, k.revoked_at,
                       s.secret_sealed, s.token_sha256, s.expires_at, s.session_name, s.role_arn
                FROM sts_sessions s JOIN api_keys k ON k.access_key_id = s.parent_key_id
                WHERE s.access_key_id = \(bind: accessKeyId) AND k.revoked_at IS NULL
                """).first()
        }
        guard let row else {
            sessionCache.withLock { _ = $0.removeValue(forKey: accessKeyId) }
            return nil
        }
        let credential = SigningCredential(
            key: try Self.decodeKey(row),
            accessKeyId: accessKeyId,
            secret: try sealer.open(try row.decode(column: "secret_sealed", as: String.self)),
            session: .init(
                tokenSHA256: try row.decode(column: "token_sha256", as: String.self),
                expiresAt: try row.decode(column: "expires_at", as: Int64.self),
                sessionName: try row.decode(column: "session_name", as: String?.self),
                roleArn: try row.decode(column: "role_arn", as: String?.self)))
        sessionCache.withLock { $0[accessKeyId] = CachedSession(credential: credential, loadedAt: now) }
        return credential
    }
}

/// A temporary credential as last read, for `KeyService.signingCredential`.
struct CachedSession: Sendable {
    let credential: SigningCredential
    let loadedAt: Int64
}
