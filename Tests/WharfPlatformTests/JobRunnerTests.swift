import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import WharfPlatform

/// A job kind for these tests: the spec is a shell script, run by /bin/sh in the job's folder; exit 0
/// completes, anything else fails with the exit and the log's last line.
struct ShellLauncher: JobLauncher {
    func command(for job: JobRecord, folder: URL, progress: JobProgress) async throws -> ChildCommand {
        try await progress.advance(to: "Training", message: "Running the script")
        return ChildCommand(executable: "/bin/sh", arguments: ["-c", job.spec], environment: ["JOB_NAME": job.name],
                            workingDirectory: folder.path, logPath: folder.appendingPathComponent("log.txt").path)
    }

    func outcome(for job: JobRecord, folder: URL, end: ChildEnd, progress: JobProgress) async throws -> JobOutcome {
        if end == .exited(code: 0) { return .completed }
        let log = (try? String(contentsOf: folder.appendingPathComponent("log.txt"), encoding: .utf8)) ?? ""
        let last = log.split(separator: "\n").last.map(String.init) ?? ""
        switch end {
        case .exited(let code): return .failed(reason: "the script \(end): \(last)", exitCode: Int(code))
        case .signalled(let signal): return .failed(reason: "the script \(end)", signal: Int(signal))
        }
    }
}

/// Runs a JobRunner as a service for the length of `body`, then shuts it down gracefully.
func withRunner(
    _ queue: JobQueue, owner: String = "runner-a", slots: Int = 2, leaseSeconds: Double = 5, stopGrace: Duration = .milliseconds(500),
    drainSeconds: Double = 5, _ body: @Sendable (JobRunner) async throws -> Void
) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-jobs-\(UUID().uuidString)")
    let runner = JobRunner(queue: queue, launchers: ["shell": ShellLauncher()], options: .init(
        owner: owner, slots: slots, leaseSeconds: leaseSeconds, pollInterval: .milliseconds(50), stopGrace: stopGrace,
        drainSeconds: drainSeconds, folderRoot: root))
    let group = ServiceGroup(configuration: .init(services: [runner], logger: Logger(label: "test")))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do { try await body(runner) } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Polls until the job reaches a terminal status (or `status`), at most `seconds`.
func waitFor(_ queue: JobQueue, _ id: String, status: JobStatus? = nil, seconds: Double = 30) async throws -> JobRecord {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        let job = try await queue.job(id)
        if let status { if job.status == status { return job } } else if job.status.isTerminal { return job }
        guard Date() < deadline else { return job }
        try await Task.sleep(for: .milliseconds(50))
    }
}

func waitForFile(_ path: String, seconds: Double = 30) async throws -> String {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") { return text }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw WharfError(.unavailable, "\(path) never appeared")
}

@Suite(.timeLimit(.minutes(2))) struct JobRunnerTests {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-jobtest-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) }

    @Test(arguments: TestBackend.enabled)
    func aJobRunsToCompletionWithItsTransitions(backend: TestBackend) async throws {
        let store = try await backend.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let job = try await queue.enqueue(kind: "shell", name: "hello", spec: "echo hello from $JOB_NAME; pwd > where.txt")
        #expect(job.status == .queued)
        try await withRunner(queue) { runner in
            let done = try await waitFor(queue, job.id)
            #expect(done.status == .completed)
            #expect(done.secondaryStatus == "Completed")
            #expect(done.attempts == 1)
            #expect(done.worker == "runner-a")
            #expect(done.startedAt != nil && done.endedAt != nil)
            let folder = runner.options.folderRoot.appendingPathComponent(job.id)
            #expect(try String(contentsOf: folder.appendingPathComponent("log.txt"), encoding: .utf8) == "hello from hello\n")
            #expect(try String(contentsOf: folder.appendingPathComponent("where.txt"), encoding: .utf8).contains(job.id))
        }
        let steps = try await queue.transitions(job.id)
        #expect(steps.map(\.status) == [.queued, .inProgress, .inProgress, .completed])
        #expect(steps.map(\.secondaryStatus) == ["Starting", "Starting", "Training", "Completed"])
        await #expect(throws: WharfError.self) { try await queue.enqueue(kind: "shell", name: "hello", spec: "true") }
        try await store.close()
    }

    @Test func aFailingScriptFailsTheJobWithItsExitAndLastLine() async throws {
        let store = try await TestBackend.sqlite.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let job = try await queue.enqueue(kind: "shell", name: "broken", spec: "echo working; echo 'ValueError: bad column' >&2; exit 3")
        try await withRunner(queue) { _ in
            let done = try await waitFor(queue, job.id)
            #expect(done.status == .failed)
            #expect(done.exitCode == 3)
            #expect(done.failureReason == "the script exited with code 3: ValueError: bad column")
        }
        try await store.close()
    }

    /// kill -9 of a job's process ends that job as Failed with the signal; the runner carries on.
    @Test func aKilledProcessFailsItsJobAndTheRunnerCarriesOn() async throws {
        let store = try await TestBackend.sqlite.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let pidFile = scratch + "/pid"
        let job = try await queue.enqueue(kind: "shell", name: "victim", spec: "echo $$ > \(pidFile); sleep 60")
        try await withRunner(queue) { _ in
            let pid = Int32(try await waitForFile(pidFile).trimmingCharacters(in: .whitespacesAndNewlines))!
            kill(pid, SIGKILL)
            let done = try await waitFor(queue, job.id)
            #expect(done.status == .failed)
            #expect(done.exitSignal == Int(SIGKILL))
            #expect(done.failureReason == "the script was killed by signal 9 (SIGKILL)")
            let next = try await queue.enqueue(kind: "shell", name: "after", spec: "true")
            #expect(try await waitFor(queue, next.id).status == .completed)
        }
        try await store.close()
    }

    /// Stop sends SIGTERM to the job's process group, then SIGKILL when it is ignored.
    @Test func stopTerminatesThenKillsAndTheJobIsStopped() async throws {
        let store = try await TestBackend.sqlite.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let ready = scratch + "/ready"
        let job = try await queue.enqueue(kind: "shell", name: "stubborn", spec: "trap '' TERM; echo up > \(ready); sleep 60 & wait; sleep 60")
        let queued = try await queue.enqueue(kind: "shell", name: "never", spec: "sleep 60")
        try await withRunner(queue, slots: 1) { _ in
            _ = try await waitForFile(ready)
            #expect(try await queue.requestStop(queued.id).status == .stopped)
            #expect(try await queue.requestStop(job.id).status == .stopping)
            let done = try await waitFor(queue, job.id)
            #expect(done.status == .stopped)
            #expect(done.secondaryStatus == "Stopped")
            await #expect(throws: WharfError.self) { try await queue.requestStop(job.id) }
        }
        #expect(try await queue.job(queued.id).attempts == 0)
        try await store.close()
    }

    @Test func aJobPastItsMaxRuntimeIsStopped() async throws {
        let store = try await TestBackend.sqlite.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let job = try await queue.enqueue(kind: "shell", name: "slow", spec: "sleep 60", maxRuntimeSeconds: 1)
        try await withRunner(queue) { _ in
            let done = try await waitFor(queue, job.id)
            #expect(done.status == .failed)
            #expect(done.secondaryStatus == "MaxRuntimeExceeded")
            #expect(done.failureReason?.contains("MaxRuntimeInSeconds (1 s)") == true)
        }
        try await store.close()
    }

    /// A runner that died holding a job (it stops heartbeating): once the lease runs out the job is queued
    /// again while attempts remain, and failed with the reason when none do. Time moves on a manual clock.
    @Test(arguments: TestBackend.enabled)
    func aDeadRunnersJobsAreRetriedOrFailed(backend: TestBackend) async throws {
        let store = try await backend.open()
        let clock = ManualClock()
        let queue = JobQueue(store: store, clock: clock)
        let retried = try await queue.enqueue(kind: "shell", name: "retried", spec: "true", maxAttempts: 2)
        let failed = try await queue.enqueue(kind: "shell", name: "failed", spec: "true")
        #expect(try await queue.claim(owner: "dead", limit: 5, leaseSeconds: 30).map(\.id).sorted() == [retried.id, failed.id].sorted())
        clock.advance(by: 29)
        #expect(try await queue.reapExpired().isEmpty)
        clock.advance(by: 1)
        let reaped = try await queue.reapExpired()
        #expect(Set(reaped.map(\.id)) == [retried.id, failed.id])
        let again = try await queue.job(retried.id)
        #expect(again.status == .queued)
        #expect(again.attempts == 1)
        let gone = try await queue.job(failed.id)
        #expect(gone.status == .failed)
        #expect(gone.failureReason?.contains("the runner dead stopped heartbeating") == true)
        // The dead runner cannot report afterwards.
        await #expect(throws: WharfError.self) { try await queue.finish(failed.id, owner: "dead", outcome: .completed) }
        let second = try await queue.claim(owner: "alive", limit: 5, leaseSeconds: 30)
        #expect(second.map(\.id) == [retried.id])
        #expect(second.first?.attempts == 2)
        try await queue.finish(retried.id, owner: "alive", outcome: .completed)
        #expect(try await queue.job(retried.id).status == .completed)
        try await store.close()
    }

    /// Two runners on one database: every one of 50 queued jobs runs exactly once.
    @Test(.timeLimit(.minutes(3)), arguments: TestBackend.enabled)
    func twoRunnersRunEachOf50JobsExactlyOnce(backend: TestBackend) async throws {
        let store = try await backend.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let ledger = scratch + "/ledger"
        FileManager.default.createFile(atPath: ledger, contents: nil)
        var ids: [String] = []
        for index in 0..<50 {
            ids.append(try await queue.enqueue(kind: "shell", name: "job-\(index)", spec: "echo $JOB_NAME >> \(ledger)").id)
        }
        let allIds = ids
        try await withRunner(queue, owner: "runner-a", slots: 3) { _ in
            try await withRunner(queue, owner: "runner-b", slots: 3) { _ in
                for id in allIds { _ = try await waitFor(queue, id, seconds: 120) }
            }
        }
        let jobs = try await queue.list(kind: "shell", limit: 100)
        #expect(jobs.count == 50)
        #expect(jobs.allSatisfy { $0.status == .completed && $0.attempts == 1 })
        let lines = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 50)
        #expect(Set(lines) == Set((0..<50).map { "job-\($0)" }))
        try await store.close()
    }

    /// A graceful shutdown lets running jobs finish for the drain time, then hands the rest back to the queue.
    @Test func shutdownHandsUnfinishedJobsBackToTheQueue() async throws {
        let store = try await TestBackend.sqlite.open()
        let queue = JobQueue(store: store, clock: SystemWallClock())
        let ready = scratch + "/long"
        let long = try await queue.enqueue(kind: "shell", name: "long", spec: "echo up > \(ready); sleep 60")
        try await withRunner(queue, drainSeconds: 0.3) { _ in
            _ = try await waitForFile(ready)
        }
        let back = try await queue.job(long.id)
        #expect(back.status == .queued)
        #expect(back.attempts == 0)
        #expect(try await queue.transitions(long.id).last?.message.contains("shut down; queued again") == true)
        try await store.close()
    }
}
