import Foundation
import Synchronization
import NIOCore
import NIOPosix
import Testing
@testable import WharfObjectStore

/// Group commit of folder fsyncs: every ticket ends, whether its holder synced inline or waited.
@Suite("DirectorySync: renames made durable in groups")
struct DirectorySyncTests {
    let folder = TemporaryFolder("dirsync")

    @Test func everyConcurrentTicketCompletes() async throws {
        let pool = FolderObjectStore.sharedThreadPool
        let sync = DirectorySync(pool: pool)
        let directory = try POSIX.openDirectory(folder.path)
        let counts = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let ticket = try await pool.runIfActive { try sync.sync(directory) }
                    try await sync.wait(ticket)
                    if case .done = ticket { return true }
                    return false
                }
            }
            var inline = 0, waited = 0
            for try await wasInline in group {
                if wasInline { inline += 1 } else { waited += 1 }
            }
            return (inline, waited)
        }
        #expect(counts.0 + counts.1 == 200)
        #expect(counts.0 >= 1)
        // Idle again: a new ticket is served at once by the caller's own sync.
        let later = try sync.sync(directory)
        guard case .done = later else {
            Issue.record("an idle folder should be synced inline, got \(later)")
            return
        }
    }

    /// The point of the type: concurrent writers share fsyncs, and each waiter is released only by a round that
    /// started after its ticket was handed out (so its rename is covered).
    @Test func concurrentTicketsShareFewerFsyncsThanTickets() async throws {
        let pool = FolderObjectStore.sharedThreadPool
        let log = SyncLog()
        let sync = DirectorySync(pool: pool) { fd in
            log.state.withLock { $0.fsyncs += 1; $0.startedAfter.append($0.issued) }
            usleep(2_000)
            return fsync(fd)
        }
        let directory = try POSIX.openDirectory(folder.path)
        let tickets = 200
        let covered = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<tickets {
                group.addTask {
                    let ticket = try await pool.runIfActive { () throws -> (DirectorySync.Ticket, Int) in
                        let mine = log.state.withLock { $0.issued += 1; return $0.issued }
                        return (try sync.sync(directory), mine)
                    }
                    try await sync.wait(ticket.0)
                    // Released: some round began once this ticket (or a later one) had been issued.
                    return log.state.withLock { $0.startedAfter.contains { $0 >= ticket.1 } }
                }
            }
            var all = true
            for try await ok in group { all = all && ok }
            return all
        }
        let fsyncs = log.state.withLock { $0.fsyncs }
        #expect(covered)
        #expect(fsyncs >= 1)
        #expect(fsyncs < tickets / 2, "\(fsyncs) fsyncs for \(tickets) tickets: rounds are not shared")
    }

    /// A failed fsync fails every ticket it was meant to cover, and the next round starts clean.
    @Test func aFailedFsyncFailsItsWaiters() async throws {
        let pool = FolderObjectStore.sharedThreadPool
        let failing = SyncLog()
        let sync = DirectorySync(pool: pool) { fd in
            usleep(1_000)
            return failing.state.withLock { $0.failing } ? -1 : fsync(fd)
        }
        let directory = try POSIX.openDirectory(folder.path)
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        let ticket = try await pool.runIfActive { try sync.sync(directory) }
                        try await sync.wait(ticket)
                        return false
                    } catch {
                        return true
                    }
                }
            }
            var count = 0
            for await failed in group where failed { count += 1 }
            return count
        }
        #expect(failures == 20)
        failing.state.withLock { $0.failing = false }
        let ticket = try await pool.runIfActive { try sync.sync(directory) }
        try await sync.wait(ticket)
    }

    @Test func concurrentPutsShareSyncsAndAllLand() async throws {
        let store = try FolderObjectStore(root: folder.path + "/store")
        try await store.createBucket("many")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let bytes = ByteBuffer(string: "object \(i)")
                    _ = try await store.putObject(bucket: "many", key: "same/folder/\(i)", body: SingleBuffer(bytes), options: PutOptions())
                }
            }
            try await group.waitForAll()
        }
        for i in 0..<64 {
            let download = try await store.getObject(bucket: "many", key: "same/folder/\(i)", range: nil)
            #expect(String(buffer: try await download.body.collect(upTo: 1024)) == "object \(i)")
        }
    }
}

/// What a counting fsync saw, shared by the tasks of a test.
final class SyncLog: Sendable {
    struct State {
        var issued = 0
        var fsyncs = 0
        var startedAfter: [Int] = []
        var failing = true
    }
    let state = Mutex(State())
}
