import Foundation
import SQLKit

/// The durable queue every kind of job goes through: created Queued, claimed by one runner (the server's
/// own or a `wharf worker`) under a lease it renews by heartbeat, finished by that runner only. A job
/// whose runner stops heartbeating is re-queued while it has attempts left and failed with that reason
/// when not, so after any crash no job stays InProgress forever.
public struct JobQueue: Sendable {
    public let store: MetadataStore
    public let clock: any PlatformClock
    static let rows = LeasedRows(table: "jobs", idColumn: "job_id")

    public init(store: MetadataStore, clock: any PlatformClock) {
        self.store = store
        self.clock = clock
    }

    /// Queues a new job; a second job of the same kind and name is a conflict on `name`.
    public func enqueue(
        kind: String, name: String, spec: String, maxAttempts: Int = 1, maxRuntimeSeconds: Int? = nil
    ) async throws -> JobRecord {
        guard maxAttempts >= 1 else { throw WharfError.invalid("maxAttempts", "a job needs at least one attempt") }
        if let maxRuntimeSeconds, maxRuntimeSeconds < 1 { throw WharfError.invalid("maxRuntimeSeconds", "must be at least 1 second") }
        let now = clock.milliseconds()
        let record = JobRecord(
            id: Self.newId(), kind: kind, name: name, status: .queued, secondaryStatus: "Starting", spec: spec,
            createdAt: now, startedAt: nil, endedAt: nil, attempts: 0, maxAttempts: maxAttempts,
            maxRuntimeSeconds: maxRuntimeSeconds, stopRequested: false, failureReason: nil, exitCode: nil, exitSignal: nil, worker: nil)
        do {
            try await store.transaction { db in
                try await db.raw("""
                    INSERT INTO jobs (job_id, kind, name, status, secondary_status, spec, created_at, queued_at, attempts,
                        max_attempts, max_runtime_seconds, stop_requested)
                    VALUES (\(bind: record.id), \(bind: kind), \(bind: name), \(bind: record.status.rawValue), \(bind: record.secondaryStatus),
                        \(bind: spec), \(bind: now), \(bind: now), 0, \(bind: maxAttempts), \(bind: maxRuntimeSeconds), 0)
                    """).run()
                try await Self.recordTransition(db, id: record.id, status: .queued, secondary: "Starting", message: "Queued for a runner", at: now)
            }
        } catch let error as WharfError where error.kind == .conflict {
            throw WharfError(.conflict, "a \(kind) job named '\(name)' already exists", field: "name")
        }
        return record
    }

    public func job(_ id: String) async throws -> JobRecord {
        let found = try await store.withDatabase { db in
            try await db.raw("SELECT * FROM jobs WHERE job_id = \(bind: id)").first().map(Self.record)
        }
        guard let found else { throw WharfError.notFound("job", id) }
        return found
    }

    public func job(kind: String, name: String) async throws -> JobRecord {
        let found = try await store.withDatabase { db in
            try await db.raw("SELECT * FROM jobs WHERE kind = \(bind: kind) AND name = \(bind: name)").first().map(Self.record)
        }
        guard let found else { throw WharfError.notFound("\(kind) job", name) }
        return found
    }

    /// Jobs newest first, optionally of one kind and status.
    public func list(kind: String? = nil, status: JobStatus? = nil, limit: Int = 100) async throws -> [JobRecord] {
        try await store.withDatabase { db in
            var query: SQLQueryString = "SELECT * FROM jobs WHERE 1 = 1"
            if let kind { query = query + " AND kind = \(bind: kind)" }
            if let status { query = query + " AND status = \(bind: status.rawValue)" }
            query = query + " ORDER BY created_at DESC, job_id DESC LIMIT \(literal: max(0, limit))"
            return try await db.raw(query).all().map(Self.record)
        }
    }

    /// Every status change of a job, oldest first.
    public func transitions(_ id: String) async throws -> [JobTransition] {
        try await store.withDatabase { db in
            try await db.raw("SELECT * FROM job_transitions WHERE job_id = \(bind: id) ORDER BY seq").all().map { row in
                JobTransition(
                    status: JobStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
                    secondaryStatus: try row.decode(column: "secondary_status", as: String.self),
                    message: try row.decode(column: "message", as: String.self),
                    at: try row.decode(column: "at", as: Int64.self))
            }
        }
    }

    /// Takes up to `limit` queued jobs (oldest first, optionally only of `kinds`) for `owner`, moving them to
    /// InProgress in the same transaction.
    public func claim(owner: String, limit: Int, leaseSeconds: Double, kinds: [String]? = nil) async throws -> [JobRecord] {
        let now = clock.milliseconds()
        var condition: SQLQueryString = "status = \(bind: JobStatus.queued.rawValue) AND stop_requested = 0"
        if let kinds {
            guard !kinds.isEmpty else { return [] }
            condition = condition + " AND kind IN (\(binds: kinds))"
        }
        let ids = try await Self.rows.claim(
            in: store, where: condition, orderBy: "queued_at", owner: owner, now: now,
            leaseMilliseconds: Int64(leaseSeconds * 1000), limit: limit
        ) { db, ids in
            try await db.raw("""
                UPDATE jobs SET status = \(bind: JobStatus.inProgress.rawValue), secondary_status = 'Starting',
                    started_at = COALESCE(started_at, \(bind: now)), attempts = attempts + 1, worker = \(bind: owner)
                WHERE job_id IN (\(binds: ids))
                """).run()
            for id in ids {
                try await Self.recordTransition(db, id: id, status: .inProgress, secondary: "Starting", message: "Claimed by \(owner)", at: now)
            }
        }
        var claimed: [JobRecord] = []
        for id in ids { claimed.append(try await job(id)) }
        return claimed
    }

    /// Renews `owner`'s leases; returns the ids it still holds (a job missing from the answer was taken
    /// from it: its process must be stopped without reporting).
    public func heartbeat(ids: [String], owner: String, leaseSeconds: Double) async throws -> [String] {
        try await Self.rows.renew(in: store, ids: ids, owner: owner, now: clock.milliseconds(), leaseMilliseconds: Int64(leaseSeconds * 1000))
    }

    /// Records a step of the job's work (Downloading, Training, Uploading...) by the runner holding it.
    public func advance(_ id: String, owner: String, to secondaryStatus: String, message: String) async throws {
        let now = clock.milliseconds()
        try await store.transaction { db in
            let status = try await Self.lockHeld(db, id: id, owner: owner)
            try await db.raw("UPDATE jobs SET secondary_status = \(bind: secondaryStatus) WHERE job_id = \(bind: id)").run()
            try await Self.recordTransition(db, id: id, status: status, secondary: secondaryStatus, message: message, at: now)
        }
    }

    /// Ends a job held by `owner` and gives up its lease. A runner whose lease was taken gets a conflict
    /// and must not report.
    @discardableResult
    public func finish(_ id: String, owner: String, outcome: JobOutcome) async throws -> JobRecord {
        let now = clock.milliseconds()
        try await store.transaction { db in
            _ = try await Self.lockHeld(db, id: id, owner: owner)
            let (status, secondary, reason, code, signal): (JobStatus, String, String?, Int?, Int?) = switch outcome {
            case .completed: (.completed, "Completed", nil, nil, nil)
            case .stopped: (.stopped, "Stopped", nil, nil, nil)
            case .failed(let reason, let secondary, let code, let signal): (.failed, secondary, reason, code, signal)
            }
            try await db.raw("""
                UPDATE jobs SET status = \(bind: status.rawValue), secondary_status = \(bind: secondary), ended_at = \(bind: now),
                    failure_reason = \(bind: reason), exit_code = \(bind: code), exit_signal = \(bind: signal),
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = \(bind: id)
                """).run()
            try await Self.recordTransition(db, id: id, status: status, secondary: secondary, message: reason ?? secondary, at: now)
        }
        return try await job(id)
    }

    /// Gives a held job back to the queue untouched (a runner draining on shutdown): it runs again, and
    /// the attempt it used is not counted.
    public func requeue(_ id: String, owner: String, reason: String) async throws {
        let now = clock.milliseconds()
        try await store.transaction { db in
            _ = try await Self.lockHeld(db, id: id, owner: owner)
            try await db.raw("""
                UPDATE jobs SET status = \(bind: JobStatus.queued.rawValue), secondary_status = 'Starting', queued_at = \(bind: now),
                    attempts = attempts - 1, lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = \(bind: id)
                """).run()
            try await Self.recordTransition(db, id: id, status: .queued, secondary: "Starting", message: reason, at: now)
        }
    }

    /// StopTrainingJob and its kin: a queued job stops at once; a running one becomes Stopping and its
    /// runner stops the process. Stopping a finished job is a conflict.
    @discardableResult
    public func requestStop(_ id: String) async throws -> JobRecord {
        let now = clock.milliseconds()
        try await store.transaction { db in
            let row = try await db.raw("SELECT status FROM jobs WHERE job_id = \(bind: id)\(unsafeRaw: Self.forUpdate(db))").first()
            guard let row else { throw WharfError.notFound("job", id) }
            let status = JobStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed
            switch status {
            case .queued:
                try await db.raw("""
                    UPDATE jobs SET status = 'Stopped', secondary_status = 'Stopped', stop_requested = 1, ended_at = \(bind: now)
                    WHERE job_id = \(bind: id)
                    """).run()
                try await Self.recordTransition(db, id: id, status: .stopped, secondary: "Stopped", message: "Stopped before it started", at: now)
            case .inProgress:
                try await db.raw("UPDATE jobs SET status = 'Stopping', stop_requested = 1 WHERE job_id = \(bind: id)").run()
                try await Self.recordTransition(db, id: id, status: .stopping, secondary: "Stopping", message: "Stop requested", at: now)
            case .stopping:
                break
            case .completed, .failed, .stopped:
                throw WharfError(.conflict, "job '\(id)' has already ended (\(status.rawValue))", field: "status")
            }
        }
        return try await job(id)
    }

    /// Jobs whose runner stopped renewing its lease: re-queued while attempts remain (and no stop was
    /// asked), otherwise failed (or stopped) with that reason. Returns the jobs it changed.
    @discardableResult
    public func reapExpired() async throws -> [JobRecord] {
        let now = clock.milliseconds()
        let expired = try await Self.rows.expired(in: store, now: now)
        var changed: [JobRecord] = []
        for id in expired {
            let done: Bool = try await store.transaction { db in
                let row = try await db.raw("""
                    SELECT status, attempts, max_attempts, stop_requested, lease_owner, lease_expires_at FROM jobs
                    WHERE job_id = \(bind: id)\(unsafeRaw: Self.forUpdate(db))
                    """).first()
                // Renewed or finished since it was listed: not ours to reap.
                guard let row, let expiry = try row.decode(column: "lease_expires_at", as: Int64?.self), expiry <= now,
                      let owner = try row.decode(column: "lease_owner", as: String?.self) else { return false }
                let status = JobStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed
                guard status == .inProgress || status == .stopping else { return false }
                let attempts = try row.decode(column: "attempts", as: Int.self)
                let maxAttempts = try row.decode(column: "max_attempts", as: Int.self)
                let stopRequested = try row.decode(column: "stop_requested", as: Int.self) != 0
                let why = "the runner \(owner) stopped heartbeating (it crashed, was killed or lost the database)"
                if stopRequested {
                    try await db.raw("""
                        UPDATE jobs SET status = 'Stopped', secondary_status = 'Stopped', ended_at = \(bind: now),
                            lease_owner = NULL, lease_expires_at = NULL WHERE job_id = \(bind: id)
                        """).run()
                    try await Self.recordTransition(db, id: id, status: .stopped, secondary: "Stopped", message: why, at: now)
                } else if attempts < maxAttempts {
                    try await db.raw("""
                        UPDATE jobs SET status = 'Queued', secondary_status = 'Starting', queued_at = \(bind: now),
                            lease_owner = NULL, lease_expires_at = NULL WHERE job_id = \(bind: id)
                        """).run()
                    try await Self.recordTransition(db, id: id, status: .queued, secondary: "Starting",
                                                    message: "\(why); retrying (attempt \(attempts + 1) of \(maxAttempts))", at: now)
                } else {
                    try await db.raw("""
                        UPDATE jobs SET status = 'Failed', secondary_status = 'Failed', ended_at = \(bind: now),
                            failure_reason = \(bind: why), lease_owner = NULL, lease_expires_at = NULL WHERE job_id = \(bind: id)
                        """).run()
                    try await Self.recordTransition(db, id: id, status: .failed, secondary: "Failed", message: why, at: now)
                }
                return true
            }
            if done { changed.append(try await job(id)) }
        }
        return changed
    }

    // MARK: - Rows

    static func newId() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func forUpdate(_ db: any SQLDatabase) -> String {
        db.dialect.name == "sqlite" ? "" : " FOR UPDATE"
    }

    /// Locks the job row and checks `owner` still holds its lease; returns its status.
    static func lockHeld(_ db: any SQLDatabase, id: String, owner: String) async throws -> JobStatus {
        let row = try await db.raw("SELECT status, lease_owner FROM jobs WHERE job_id = \(bind: id)\(unsafeRaw: forUpdate(db))").first()
        guard let row else { throw WharfError.notFound("job", id) }
        guard try row.decode(column: "lease_owner", as: String?.self) == owner else {
            throw WharfError(.conflict, "job '\(id)' is no longer held by \(owner) (its lease expired and it was taken over)", field: "lease")
        }
        return JobStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed
    }

    static func recordTransition(_ db: any SQLDatabase, id: String, status: JobStatus, secondary: String, message: String, at: Int64) async throws {
        let next = try await db.raw("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM job_transitions WHERE job_id = \(bind: id)")
            .first()?.decode(column: "next", as: Int64.self) ?? 1
        try await db.raw("""
            INSERT INTO job_transitions (job_id, seq, status, secondary_status, message, at)
            VALUES (\(bind: id), \(bind: next), \(bind: status.rawValue), \(bind: secondary), \(bind: message), \(bind: at))
            """).run()
    }

    static func record(_ row: any SQLRow) throws -> JobRecord {
        JobRecord(
            id: try row.decode(column: "job_id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            status: JobStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .failed,
            secondaryStatus: try row.decode(column: "secondary_status", as: String.self),
            spec: try row.decode(column: "spec", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            startedAt: try row.decode(column: "started_at", as: Int64?.self),
            endedAt: try row.decode(column: "ended_at", as: Int64?.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self),
            maxRuntimeSeconds: try row.decode(column: "max_runtime_seconds", as: Int?.self),
            stopRequested: try row.decode(column: "stop_requested", as: Int.self) != 0,
            failureReason: try row.decode(column: "failure_reason", as: String?.self),
            exitCode: try row.decode(column: "exit_code", as: Int?.self),
            exitSignal: try row.decode(column: "exit_signal", as: Int?.self),
            worker: try row.decode(column: "worker", as: String?.self))
    }
}
