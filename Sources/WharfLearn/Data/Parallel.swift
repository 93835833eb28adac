import Dispatch
import Foundation
import Synchronization

/// Runs a loop body over `count` chunks on at most `threads` threads, in a fixed chunking so results repeat.
enum Parallel {
    private struct UncheckedBody: @unchecked Sendable {
        let body: (Int) -> Void
    }

    /// The next chunk to hand out; the workers take chunks from it until none is left.
    private final class ChunkCounter: Sendable {
        let next = Atomic<Int>(0)
    }

    /// Calls `body(i)` for every i in 0..<count on at most `threads` threads at once (the calling thread is one of
    /// them). `DispatchQueue.concurrentPerform` alone would use every core however few threads were asked for, so it
    /// is given one iteration per worker and each worker takes chunks from a shared counter: a worker slowed by other
    /// work on the machine leaves its remaining chunks to the others.
    static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = min(max(threads, 1), count)
        let recorder = ThreadRecorder.current
        if workers <= 1 {
            for i in 0..<count {
                recorder?.enter()
                body(i)
                recorder?.leave()
            }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedBody(body: escaping)
            let counter = ChunkCounter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                recorder?.enter()
                while true {
                    let i = counter.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < count else { break }
                    box.body(i)
                }
                recorder?.leave()
            }
        }
    }

    /// Splits 0..<total into `parts` contiguous ranges of near-equal size.
    static func ranges(_ total: Int, parts: Int) -> [Range<Int>] {
        let parts = max(1, min(parts, total))
        return (0..<parts).map { p in (total * p / parts)..<(total * (p + 1) / parts) }
    }

    static var availableCores: Int { ProcessInfoCores.count }

    /// `nthread` as the learners take it: 0 means every core.
    static func threadCount(_ requested: Int) -> Int { requested > 0 ? requested : availableCores }
}

enum ProcessInfoCores {
    static let count: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Counts the threads that run `Parallel` work and how many run at once, for the work started inside
/// `ThreadRecorder.$current.withValue(recorder) { ... }` (a task-local, so concurrent callers do not mix).
public final class ThreadRecorder: Sendable {
    @TaskLocal public static var current: ThreadRecorder?

    private struct State {
        var running = 0
        var maxRunning = 0
        var threads = Set<UInt>()
    }
    private let state = Mutex(State())

    public init() {}

    /// The most threads that ran the work at the same time.
    public var maxConcurrency: Int { state.withLock { $0.maxRunning } }
    /// How many different threads ran it.
    public var distinctThreads: Int { state.withLock { $0.threads.count } }

    func enter() {
        let id = UInt(pthread_self())
        state.withLock { s in
            s.running += 1
            s.maxRunning = max(s.maxRunning, s.running)
            s.threads.insert(id)
        }
    }

    func leave() { state.withLock { $0.running -= 1 } }
}
