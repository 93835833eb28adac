#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix
import Synchronization

/// Group commit for renames: a write renamed into a folder is durable once that folder is
/// fsynced, and every write renamed in before an fsync starts is covered by it. Writers that
/// rename into the same folder while an fsync runs share the next one instead of queueing one each.
///
/// The first writer to ask syncs inline on its own (thread-pool) thread; later ones get a ticket
/// and wait for the round that covers it, which the pool runs as soon as the current one ends.
final class DirectorySync: Sendable {
    /// A folder's identity: one inode, however many descriptors point at it.
    struct Folder: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// The outcome of asking for a sync: already durable, or a round to wait for.
    enum Ticket {
        case done
        case pending(Folder, UInt64)
    }

    private struct State {
        /// The last ticket handed out for the folder; a round covers every ticket up to it.
        var requested: UInt64
        /// Tickets up to this one are covered by a finished round.
        var completed: UInt64
        var running = false
        /// Tickets of failed rounds, with the error (rare: a folder that cannot be fsynced).
        var failures: [(ClosedRange<UInt64>, String)] = []
        var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private struct Folders {
        /// Tickets are numbered across all folders, so a folder forgotten while idle and seen
        /// again never hands out a number a late waiter of its previous rounds still holds.
        var lastTicket: UInt64 = 0
        var states: [Folder: State] = [:]
    }

    private let folders = Mutex(Folders())
    private let pool: NIOThreadPool
    /// The system's fsync; tests pass one that counts and can fail, to check rounds are shared.
    private let flush: @Sendable (Int32) -> Int32

    init(pool: NIOThreadPool, fsync flush: @escaping @Sendable (Int32) -> Int32 = { fsync($0) }) {
        self.pool = pool
        self.flush = flush
    }

    /// Makes renames into `directory` done so far durable, or returns the round to wait for
    /// (blocking: call on a thread pool).
    func sync(_ directory: Descriptor) throws -> Ticket {
        var st = stat()
        guard fstat(directory.fd, &st) == 0 else { throw ObjectStoreError.backend(POSIX.errorText("fstat folder")) }
        let folder = Folder(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        let (ticket, lead): (UInt64, Bool) = folders.withLock { folders in
            folders.lastTicket += 1
            let ticket = folders.lastTicket
            var state = folders.states[folder] ?? State(requested: ticket, completed: ticket - 1)
            state.requested = ticket
            let lead = !state.running
            state.running = true
            folders.states[folder] = state
            return (ticket, lead)
        }
        guard lead else { return .pending(folder, ticket) }
        if let failure = round(directory, folder) { throw ObjectStoreError.backend(failure) }
        return .done
    }

    /// Waits until the round covering `ticket` has finished.
    func wait(_ ticket: Ticket) async throws {
        guard case .pending(let folder, let number) = ticket else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, ObjectStoreError>? = folders.withLock { folders in
                // A forgotten folder had every ticket it handed out covered by a successful round.
                guard var state = folders.states[folder] else { return .success(()) }
                if number <= state.completed {
                    if let failure = state.failures.first(where: { $0.0.contains(number) }) {
                        return .failure(.backend(failure.1))
                    }
                    return .success(())
                }
                state.waiters.append((number, continuation))
                folders.states[folder] = state
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// One fsync covering every ticket handed out so far; hands the folder to the pool for another
    /// round when more arrived meanwhile. Returns the error text when the fsync failed.
    private func round(_ directory: Descriptor, _ folder: Folder) -> String? {
        let target = folders.withLock { $0.states[folder]!.requested }
        let failure = flush(directory.fd) == 0 ? nil : POSIX.errorText("fsync folder")
        let (ready, more): ([CheckedContinuation<Void, any Error>], Bool) = folders.withLock { folders in
            var state = folders.states[folder]!
            let first = state.completed + 1
            state.completed = target
            if let failure { state.failures.append((first...target, failure)) }
            let ready = state.waiters.filter { $0.ticket <= target }.map(\.continuation)
            state.waiters.removeAll { $0.ticket <= target }
            let more = state.requested > target
            if more {
                folders.states[folder] = state
            } else if state.waiters.isEmpty && state.failures.isEmpty {
                folders.states[folder] = nil
            } else {
                state.running = false
                folders.states[folder] = state
            }
            return (ready, more)
        }
        for continuation in ready {
            if let failure { continuation.resume(throwing: ObjectStoreError.backend(failure)) } else { continuation.resume() }
        }
        if more {
            pool.submit { _ in _ = self.round(directory, folder) }
        }
        return failure
    }
}
