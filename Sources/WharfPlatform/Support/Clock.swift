import Foundation

/// Wall-clock time as stored in the metadata database: integer milliseconds since the Unix epoch.
public enum WallClock {
    public static func millisecondsSinceEpoch(_ date: Date = Date()) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

/// Where the platform reads the time and waits: the system clock in servers, a `ManualClock` in tests,
/// so timeouts, leases, schedules and retention are tested without sleeping.
public protocol PlatformClock: Sendable {
    func now() -> Date
    /// Suspends until the clock has moved `duration` on (throws CancellationError when cancelled).
    func sleep(for duration: Duration) async throws
}

extension PlatformClock {
    /// Now in the metadata database's unit.
    public func milliseconds() -> Int64 { WallClock.millisecondsSinceEpoch(now()) }
}

/// The operating system's wall clock.
public struct SystemWallClock: PlatformClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}

/// A clock that moves only when a test advances it; sleepers wake, in deadline order, once it passes
/// their deadline.
public final class ManualClock: PlatformClock, @unchecked Sendable {
    private struct Sleeper {
        let id: Int
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current: Date
    private var sleepers: [Sleeper] = []
    private var nextId = 0

    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = start }

    public func now() -> Date { lock.withLock { current } }

    /// How many tasks are waiting on this clock (lets a test advance only once its subject is asleep).
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let id: Int = lock.withLock { nextId += 1; return nextId }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready: Bool = lock.withLock {
                    let deadline = current.addingTimeInterval(seconds)
                    if seconds <= 0 || Task.isCancelled { return true }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if ready {
                    if Task.isCancelled { continuation.resume(throwing: CancellationError()) } else { continuation.resume() }
                }
            }
        } onCancel: {
            let cancelled: Sleeper? = lock.withLock {
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on and wakes every sleeper whose deadline has now passed.
    public func advance(by seconds: TimeInterval) {
        let due: [Sleeper] = lock.withLock {
            current = current.addingTimeInterval(seconds)
            let now = current
            let due = sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
