import Foundation
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
