import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// How one kind of job becomes a process and what its ending means: a training job's launcher writes
/// the `/opt/ml`-shaped folder and names the script or `wharf job run ID`; when the process ends it
/// uploads the model and says whether the job completed.
public protocol JobLauncher: Sendable {
    /// The command for `job`, whose own folder (created, empty on a first attempt) is `folder`.
    func command(for job: JobRecord, folder: URL, progress: JobProgress) async throws -> ChildCommand
    /// What a process that ended by itself means for the job (`end` is its exit code or signal).
    func outcome(for job: JobRecord, folder: URL, end: ChildEnd, progress: JobProgress) async throws -> JobOutcome
}

/// Lets a launcher report the job's steps (SecondaryStatus) while the runner holds it.
public struct JobProgress: Sendable {
    let queue: JobQueue
    let jobId: String
    let owner: String

    public func advance(to secondaryStatus: String, message: String) async throws {
        try await queue.advance(jobId, owner: owner, to: secondaryStatus, message: message)
    }
}

/// Claims queued jobs and runs each in its own child process, up to `slots` at once: the embedded runner
/// of `wharf server` and the whole of `wharf worker`. It renews its leases while the processes run,
/// stops a process whose job was asked to stop (SIGTERM, SIGKILL after the grace period) or ran past
/// its `MaxRuntimeInSeconds`, and records how each ended; the server never waits on or dies with a job.
/// On graceful shutdown it claims nothing more, lets running jobs finish for `drainSeconds`, then stops
/// the rest and hands them back to the queue for another runner.
public final class JobRunner: Service, Sendable {
    public struct Options: Sendable {
        public var owner: String
        public var slots: Int
        public var leaseSeconds: Double
        public var pollInterval: Duration
        public var stopGrace: Duration
        public var drainSeconds: Double
        /// Where each job's folder is made (`<root>/<job id>`).
        public var folderRoot: URL

        public init(
            owner: String = JobRunner.defaultOwner(), slots: Int = ProcessInfo.processInfo.activeProcessorCount,
            leaseSeconds: Double = 30, pollInterval: Duration = .milliseconds(250), stopGrace: Duration = .seconds(10),
            drainSeconds: Double = 30, folderRoot: URL
        ) {
            self.owner = owner
            self.slots = max(1, slots)
            self.leaseSeconds = leaseSeconds
            self.pollInterval = pollInterval
            self.stopGrace = stopGrace
            self.drainSeconds = drainSeconds
            self.folderRoot = folderRoot
        }
    }

    public let queue: JobQueue
    public let options: Options
    private let launchers: [String: any JobLauncher]
    private let logger: Logger
    private let running = Mutex<[String: ChildProcess]>([:])
    /// Jobs claimed and not yet reported, whether or not their process has started.
    private let busy = Atomic<Int>(0)
    private let drainStarted = Mutex<ContinuousClock.Instant?>(nil)
    private let wake = Mutex<[CheckedContinuation<Void, Never>]>([])

    public init(queue: JobQueue, launchers: [String: any JobLauncher], options: Options, logger: Logger = Logger(label: "wharf.jobs")) {
        self.queue = queue
        self.launchers = launchers
        self.options = options
        self.logger = logger
    }

    /// `hostname:pid`: unique among the runners sharing a database.
    public static func defaultOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Ids of the jobs this runner is running now.
    public var runningJobs: [String] { running.withLock { Array($0.keys) } }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.heartbeats() }
            await withGracefulShutdownHandler {
                while !draining {
                    do {
                        _ = try await queue.reapExpired()
                        let free = options.slots - busy.load(ordering: .relaxed)
                        if free > 0 {
                            let kinds = Array(launchers.keys)
                            for job in try await queue.claim(owner: options.owner, limit: free, leaseSeconds: options.leaseSeconds, kinds: kinds) {
                                busy.add(1, ordering: .relaxed)
                                group.addTask {
                                    await self.runJob(job)
                                    self.busy.subtract(1, ordering: .relaxed)
                                }
                            }
                        }
                    } catch {
                        logger.warning("job runner: \(error)")
                    }
                    await nap(options.pollInterval)
                }
            } onGracefulShutdown: {
                self.drainStarted.withLock { $0 = $0 ?? .now }
                self.wakeUp()
            }
            // The group now waits for the running jobs: they finish, or are handed back once the drain time is up.
        }
    }

    private var draining: Bool { drainStarted.withLock { $0 != nil } }

    private var drainExpired: Bool {
        guard let start = drainStarted.withLock({ $0 }) else { return false }
        return ContinuousClock.now - start >= .milliseconds(Int(options.drainSeconds * 1000))
    }

    private func heartbeats() async {
        let every = Duration.milliseconds(Int(options.leaseSeconds * 1000 / 3))
        while !(draining && busy.load(ordering: .relaxed) == 0) {
            let ids = runningJobs
            if !ids.isEmpty {
                do {
                    let held = Set(try await queue.heartbeat(ids: ids, owner: options.owner, leaseSeconds: options.leaseSeconds))
                    for id in ids where !held.contains(id) {
                        // Taken over after our lease lapsed: stop the process and leave the job to its new holder.
                        logger.error("job \(id): lease lost; stopping its process")
                        running.withLock { $0[id] }?.signal(SIGKILL)
                    }
                } catch {
                    logger.warning("job heartbeat failed: \(error)")
                }
            }
            try? await Task.sleep(for: min(every, .milliseconds(500)))
        }
    }

    private func nap(_ duration: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask {
                await withCheckedContinuation { continuation in self.wake.withLock { $0.append(continuation) } }
            }
            await group.next()
            group.cancelAll()
            self.wakeUp()
        }
    }

    private func wakeUp() {
        let waiting = wake.withLock { w in defer { w = [] }; return w }
        for continuation in waiting { continuation.resume() }
    }

    /// Why the runner ended a process itself, shared by the watcher and the waiter.
    private final class EndingCause: Sendable {
        let value = Mutex<Ending?>(nil)
    }

    private enum Ending: Sendable {
        case ended(ChildEnd)
        case stopped
        case timedOut
        case handedBack
    }

    private func runJob(_ job: JobRecord) async {
        let folder = options.folderRoot.appendingPathComponent(job.id, isDirectory: true)
        let progress = JobProgress(queue: queue, jobId: job.id, owner: options.owner)
        guard let launcher = launchers[job.kind] else { return }
        let child: ChildProcess
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            child = try ChildProcess.start(try await launcher.command(for: job, folder: folder, progress: progress))
        } catch {
            await report(job.id, .failed(reason: "the job could not start: \(Self.describe(error))"))
            return
        }
        running.withLock { $0[job.id] = child }
        let ending = await watch(job, child: child)
        running.withLock { $0[job.id] = nil }
        switch ending {
        case .handedBack:
            do { try await queue.requeue(job.id, owner: options.owner, reason: "The runner \(options.owner) shut down; queued again") } catch {
                logger.error("job \(job.id): could not hand it back: \(error)")
            }
        case .stopped:
            await report(job.id, .stopped)
        case .timedOut:
            await report(job.id, .failed(
                reason: "The job ran longer than its MaxRuntimeInSeconds (\(job.maxRuntimeSeconds ?? 0) s) and was stopped",
                secondaryStatus: "MaxRuntimeExceeded"))
        case .ended(let end):
            do {
                await report(job.id, try await launcher.outcome(for: job, folder: folder, end: end, progress: progress))
            } catch {
                await report(job.id, .failed(reason: "the job's results could not be saved: \(Self.describe(error))"))
            }
        }
    }

    /// Waits for the process while watching for a stop request, the runtime limit and a shutdown. When the
    /// runner ends the process itself, its reason wins over the signal the process died of.
    private func watch(_ job: JobRecord, child: ChildProcess) async -> Ending {
        let started = ContinuousClock.now
        let limit = job.maxRuntimeSeconds.map { Duration.seconds($0) }
        let grace = options.stopGrace
        let cause = EndingCause()
        let ended = await withTaskGroup(of: ChildEnd?.self) { group in
            group.addTask { await child.wait() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    var reason: Ending?
                    if let limit, ContinuousClock.now - started >= limit {
                        reason = .timedOut
                    } else if self.drainExpired {
                        reason = .handedBack
                    } else if (try? await self.queue.job(job.id))?.stopRequested == true {
                        reason = .stopped
                    }
                    if let reason {
                        cause.value.withLock { $0 = reason }
                        return await child.terminate(grace: grace)
                    }
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            return await child.wait()
        }
        return cause.value.withLock { $0 } ?? .ended(ended)
    }

    private func report(_ id: String, _ outcome: JobOutcome) async {
        do { try await queue.finish(id, owner: options.owner, outcome: outcome) } catch {
            logger.error("job \(id): could not record its end: \(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? WharfError)?.message ?? String(describing: error)
    }
}
