import Foundation
import SQLKit
import Synchronization
import Testing
@testable import WharfPlatform

/// The claim primitive that job runners, schedulers and execution resumers share, on both backends.
@Suite struct LeasedRowsTests {
    let rows = LeasedRows(table: "lease_test")

    func store(_ backend: TestBackend, rows count: Int) async throws -> MetadataStore {
        let store = try await backend.open()
        try await store.withDatabase { db in
            try await db.raw("""
                CREATE TABLE lease_test (id TEXT PRIMARY KEY, state TEXT NOT NULL, queued_at BIGINT NOT NULL,
                    lease_owner TEXT, lease_expires_at BIGINT)
                """).run()
        }
        try await store.transaction { db in
            for index in 0..<count {
                try await db.raw("""
                    INSERT INTO lease_test (id, state, queued_at) VALUES (\(bind: String(format: "job-%03d", index)), 'queued', \(bind: index))
                    """).run()
            }
        }
        return store
    }

    /// Many claimers on separate connections at once: every row goes to exactly one of them.
    @Test(arguments: TestBackend.enabled)
    func concurrentClaimersTakeEachRowExactlyOnce(backend: TestBackend) async throws {
        let store = try await store(backend, rows: 120)
        let rows = self.rows
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let batch = try await rows.claim(in: store, where: "state = \(bind: "queued")", orderBy: "queued_at",
                                                         owner: "worker-\(worker)", now: 1_000, leaseMilliseconds: 60_000, limit: 3)
                        if batch.isEmpty { return mine }
                        mine += batch
                    }
                }
            }
            var all: [String] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(claimed.count == 120)
        #expect(Set(claimed).count == 120)
        let owners = try await store.withDatabase { db in
            try await db.raw("SELECT COUNT(*) AS n FROM lease_test WHERE lease_owner IS NULL").first()!.decode(column: "n", as: Int.self)
        }
        #expect(owners == 0)
        try await store.close()
    }

    @Test(arguments: TestBackend.enabled)
    func claimsFollowTheConditionAndTheOrder(backend: TestBackend) async throws {
        let store = try await store(backend, rows: 10)
        try await store.withDatabase { db in try await db.raw("UPDATE lease_test SET state = 'done' WHERE id = 'job-000'").run() }
        let first = try await rows.claim(in: store, where: "state = \(bind: "queued")", orderBy: "queued_at",
                                         owner: "a", now: 0, leaseMilliseconds: 10, limit: 2)
        #expect(first == ["job-001", "job-002"])
        try await store.close()
    }

    /// A row whose owner stopped renewing is claimed again once its lease ran out; the old owner's renewal
    /// then fails, so it knows to stop.
    @Test(arguments: TestBackend.enabled)
    func anExpiredLeaseIsClaimedAgainAndTheOldOwnerLosesIt(backend: TestBackend) async throws {
        let store = try await store(backend, rows: 1)
        #expect(try await rows.claim(in: store, owner: "a", now: 1_000, leaseMilliseconds: 500, limit: 1) == ["job-000"])
        #expect(try await rows.claim(in: store, owner: "b", now: 1_499, leaseMilliseconds: 500, limit: 1).isEmpty)
        #expect(try await rows.renew(in: store, ids: ["job-000"], owner: "a", now: 1_400, leaseMilliseconds: 500) == ["job-000"])
        #expect(try await rows.claim(in: store, owner: "b", now: 1_899, leaseMilliseconds: 500, limit: 1).isEmpty)
        #expect(try await rows.expired(in: store, now: 1_900) == ["job-000"])
        #expect(try await rows.claim(in: store, owner: "b", now: 1_900, leaseMilliseconds: 500, limit: 1) == ["job-000"])
        #expect(try await rows.renew(in: store, ids: ["job-000"], owner: "a", now: 1_950, leaseMilliseconds: 500).isEmpty)
        #expect(try await rows.release(in: store, id: "job-000", owner: "a") == false)
        #expect(try await rows.release(in: store, id: "job-000", owner: "b"))
        #expect(try await rows.claim(in: store, owner: "c", now: 1_951, leaseMilliseconds: 500, limit: 1) == ["job-000"])
        try await store.close()
    }

    @Test func identifiersAreChecked() {
        #expect(LeasedRows.isIdentifier("training_jobs"))
        #expect(LeasedRows.isIdentifier("_x1"))
        #expect(!LeasedRows.isIdentifier("1x"))
        #expect(!LeasedRows.isIdentifier("jobs; DROP TABLE x"))
        #expect(!LeasedRows.isIdentifier(""))
    }
}
