import Crypto
import Foundation
import SQLKit

/// Remembers calls made with a `ClientToken` so a retried create returns what the first call returned
/// instead of making a second resource, and a token reused for a different request is refused.
/// Records are scoped (service, operation, calling key) and kept for a day, as AWS keeps them.
public final class ClientTokenLedger: Sendable {
    private let store: MetadataStore
    static let retentionMilliseconds: Int64 = 86_400_000

    /// Where record times come from (a `ManualClock` in tests).
    let clock: any PlatformClock

    public init(store: MetadataStore, clock: any PlatformClock = SystemWallClock()) {
        self.clock = clock
        self.store = store
    }

    /// What a reservation found.
    public enum Reservation: Sendable, Equatable {
        /// No earlier call: this one proceeds and must `complete` or `release`.
        case fresh
        /// The same request was answered before: its stored response.
        case replay(String)
        /// The token was used for a request with different parameters.
        case mismatch
        /// The same request is being answered right now by another call.
        case inProgress
    }

    public func reserve(scope: String, token: String, fingerprint: String) async throws -> Reservation {
        let now = clock.milliseconds()
        let horizon = now - Self.retentionMilliseconds
        try await store.transaction { db in
            try await db.raw("DELETE FROM aws_client_tokens WHERE scope = \(bind: scope) AND client_token = \(bind: token) AND created_at < \(bind: horizon)").run()
        }
        if let existing = try await lookup(scope: scope, token: token) { return existing.classify(fingerprint) }
        do {
            try await store.transaction { db in
                try await db.raw("""
                    INSERT INTO aws_client_tokens (scope, client_token, fingerprint, response, created_at)
                    VALUES (\(bind: scope), \(bind: token), \(bind: fingerprint), NULL, \(bind: now))
                    """).run()
            }
            return .fresh
        } catch {
            // Another call with the same token inserted first (a primary-key conflict): answer as it decides.
            guard let existing = try await lookup(scope: scope, token: token) else { throw error }
            return existing.classify(fingerprint)
        }
    }

    private struct Record {
        let fingerprint: String
        let response: String?

        func classify(_ requested: String) -> Reservation {
            guard fingerprint == requested else { return .mismatch }
            return response.map(Reservation.replay) ?? .inProgress
        }
    }

    private func lookup(scope: String, token: String) async throws -> Record? {
        try await store.withDatabase { db in
            guard let row = try await db.raw("""
                SELECT fingerprint, response FROM aws_client_tokens WHERE scope = \(bind: scope) AND client_token = \(bind: token)
                """).first()
            else { return nil }
            return Record(fingerprint: try row.decode(column: "fingerprint", as: String.self), response: try row.decode(column: "response", as: String?.self))
        }
    }

    /// Stores the response of a `fresh` call.
    public func complete(scope: String, token: String, response: String) async throws {
        try await store.transaction { db in
            try await db.raw("UPDATE aws_client_tokens SET response = \(bind: response) WHERE scope = \(bind: scope) AND client_token = \(bind: token)").run()
        }
    }

    /// Forgets a `fresh` call that failed, so a retry runs again.
    public func release(scope: String, token: String) async throws {
        try await store.transaction { db in
            try await db.raw("DELETE FROM aws_client_tokens WHERE scope = \(bind: scope) AND client_token = \(bind: token) AND response IS NULL").run()
        }
    }
}
