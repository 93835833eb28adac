import Foundation
import NIOCore
import Testing
@testable import WharfObjectStore

/// Path-traversal payloads, planted symbolic links and partial writes against the folder store.
@Suite("FolderObjectStore: keys never leave the root")
struct FolderSecurityTests {
    let folder = TemporaryFolder("security")
    var base: String { folder.path }
    let root: String
    let outside: String
    let store: FolderObjectStore

    init() throws {
        root = folder.path + "/root"
        outside = folder.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "top secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        store = try FolderObjectStore(root: root)
    }

    static let rejected: [String] = [
        "..", "../etc/passwd", "a/../../b", "a/..", "/etc/passwd", "/", ".", "./a", "a/./b",
        "..\\..\\windows\\win.ini", "a\\b", "..\\x", "a/..\\b",
        "%2e%2e/etc/passwd", "%2E%2E%2Fetc%2Fpasswd", "a/%2e%2e/%2e%2e/b", "%252e%252e/x", "..%2fx", "..%5cx", "%2e",
        "a\u{0}b", "a\nb", "tab\there", "del\u{7f}", "c1\u{85}",
        String(repeating: "a", count: 1025), String(repeating: "é", count: 513), "",
    ]

    @Test(arguments: rejected)
    func traversalPayloadIsRejected(_ key: String) async throws {
        #expect(!ObjectKey.isValid(key))
        try await store.createBucket("trav")
        let error = await storeError { _ = try await store.putObject(bucket: "trav", key: key, bytes: buffer("pwned")) }
        let expectedCode = key.utf8.count > 1024 ? "KeyTooLongError" : "InvalidArgument"
        #expect(error?.s3Code == expectedCode, "\(key.debugDescription)")
        #expect(error?.httpStatus == 400)
        let read = await storeError { _ = try await store.getObject(bucket: "trav", key: key, range: nil) }
        #expect(read != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["secret.txt"])
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "top secret")
    }

    /// Odd but legal keys are stored inside the bucket under escaped names.
    @Test func oddLegalKeysStayInside() async throws {
        let keys = ["...", ".hidden", "a..b/c", "a/.../b", "%41", "x%2fy", "trailing/", "a//b", "con", "é/ü", String(repeating: "k", count: 200)]
        try await store.createBucket("odd")
        for key in keys {
            #expect(ObjectKey.isValid(key), "\(key)")
            _ = try await store.putObject(bucket: "odd", key: key, bytes: buffer(key))
            #expect(string(try await store.getObjectBytes(bucket: "odd", key: key)) == key)
        }
        let listed = try await store.listObjects(bucket: "odd", request: ListObjectsRequest()).objects.map(\.key)
        #expect(listed == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let enumerator = FileManager.default.enumerator(atPath: root)!
        for case let path as String in enumerator {
            let name = (path as NSString).lastPathComponent
            #expect(name != "." && name != "..")
            #expect(!name.contains("\\"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).sorted() == ["outside", "root"])
    }

    @Test func keyLengthLimitIsInUTF8Bytes() {
        #expect(ObjectKey.isValid(String(repeating: "a", count: 1024)))
        #expect(ObjectKey.isValid(String(repeating: "é", count: 512)))
        #expect(!ObjectKey.isValid(String(repeating: "é", count: 513)))
    }

    @Test func plantedDirectorySymlinkIsNotFollowed() async throws {
        try await store.createBucket("links")
        // A valid object file outside, so following the link would "work".
        _ = try await store.putObject(bucket: "links", key: "leak/secret", bytes: buffer("outside copy"))
        let objects = root + "/links/objects"
        try FileManager.default.moveItem(atPath: objects + "/dleak", toPath: outside + "/dleak")
        try FileManager.default.createSymbolicLink(atPath: objects + "/dleak", withDestinationPath: outside + "/dleak")
        #expect(await storeError { _ = try await store.getObject(bucket: "links", key: "leak/secret", range: nil) } == .noSuchKey(bucket: "links", key: "leak/secret"))
        #expect(await storeError { _ = try await store.headObject(bucket: "links", key: "leak/secret") } == .noSuchKey(bucket: "links", key: "leak/secret"))
        let write = await storeError { _ = try await store.putObject(bucket: "links", key: "leak/new", bytes: buffer("x")) }
        #expect(write?.s3Code == "InvalidArgument")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside + "/dleak") == ["osecret"])
        #expect(try await store.listObjects(bucket: "links", request: ListObjectsRequest()).objects.isEmpty)
        try await store.deleteObject(bucket: "links", key: "leak/secret")
        #expect(FileManager.default.fileExists(atPath: outside + "/dleak/osecret"))
    }

    @Test func plantedFileSymlinkIsNotFollowed() async throws {
        try await store.createBucket("filelink")
        _ = try await store.putObject(bucket: "filelink", key: "victim", bytes: buffer("object bytes"))
        let objects = root + "/filelink/objects"
        try FileManager.default.moveItem(atPath: objects + "/ovictim", toPath: outside + "/ovictim")
        let before = try Data(contentsOf: URL(fileURLWithPath: outside + "/ovictim"))
        try FileManager.default.createSymbolicLink(atPath: objects + "/ovictim", withDestinationPath: outside + "/ovictim")
        #expect(await storeError { _ = try await store.getObject(bucket: "filelink", key: "victim", range: nil) } == .noSuchKey(bucket: "filelink", key: "victim"))
        #expect(try await store.listObjects(bucket: "filelink", request: ListObjectsRequest()).objects.isEmpty)
        // Writing replaces the link itself; the file it pointed to is untouched.
        _ = try await store.putObject(bucket: "filelink", key: "victim", bytes: buffer("new"))
        #expect(string(try await store.getObjectBytes(bucket: "filelink", key: "victim")) == "new")
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside + "/ovictim")) == before)
    }

    @Test func plantedBucketSymlinkIsNotABucket() async throws {
        try FileManager.default.createSymbolicLink(atPath: root + "/evil-bucket", withDestinationPath: outside)
        #expect(try await store.bucketExists("evil-bucket") == false)
        #expect(await storeError { _ = try await store.getObject(bucket: "evil-bucket", key: "secret.txt", range: nil) } == .noSuchBucket("evil-bucket"))
        #expect(try await !store.listBuckets().contains { $0.name == "evil-bucket" })
    }

    @Test func partialWriteIsNeverVisible() async throws {
        try await store.createBucket("atomic")
        _ = try await store.putObject(bucket: "atomic", key: "doc", bytes: buffer("old"))
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let writer = Task { try await store.putObject(bucket: "atomic", key: "doc", body: stream) }
        continuation.yield(ByteBuffer(repeating: 1, count: 3 << 20))
        try await Task.sleep(nanoseconds: 200_000_000)
        // Mid-write, readers still get the old object whole.
        #expect(string(try await store.getObjectBytes(bucket: "atomic", key: "doc")) == "old")
        #expect(try await store.listObjects(bucket: "atomic", request: ListObjectsRequest()).objects.map(\.size) == [3])
        continuation.yield(ByteBuffer(repeating: 2, count: 10))
        continuation.finish()
        let result = try await writer.value
        #expect(result.size == 3 << 20 + 10)
        #expect(try await store.headObject(bucket: "atomic", key: "doc").size == result.size)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/atomic/tmp").isEmpty)
    }

    @Test func failedWriteLeavesNothing() async throws {
        try await store.createBucket("failing")
        struct Broken: Error {}
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, Error>.makeStream()
        continuation.yield(ByteBuffer(repeating: 1, count: 2 << 20))
        continuation.finish(throwing: Broken())
        await #expect(throws: Broken.self) { _ = try await store.putObject(bucket: "failing", key: "half", body: stream) }
        #expect(await storeError { _ = try await store.headObject(bucket: "failing", key: "half") } == .noSuchKey(bucket: "failing", key: "half"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/failing/tmp").isEmpty)
    }

    @Test func bodyDroppedEarlyReleasesItsFile() async throws {
        try await store.createBucket("drop")
        _ = try await store.putObject(bucket: "drop", key: "big", body: GeneratedBody(size: 2 << 20, seed: 3))
        for _ in 0..<50 {
            let download = try await store.getObject(bucket: "drop", key: "big", range: nil)
            var iterator = download.body.makeAsyncIterator()
            #expect(try await iterator.next()?.readableBytes == 1 << 20)
        }
        // A dropped body's one chunk of read-ahead finishes before its file closes: allow it a few seconds.
        var open = Int.max
        for _ in 0..<50 {
            open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
            if open < 200 { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(open < 200)
    }

    /// Deletes remove emptied folders while writers are creating them; every put still lands
    /// whole and nothing is left half-made.
    @Test func putsRaceDeletesOfTheirFolders() async throws {
        try await store.createBucket("churn")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for round in 0..<40 {
                        let body = ByteBuffer(repeating: UInt8(worker), count: 1000 + round)
                        let put = try await store.putObject(bucket: "churn", key: "deep/a/b/c/key", bytes: body)
                        #expect(put.size == Int64(1000 + round))
                    }
                }
                group.addTask {
                    for _ in 0..<40 { try await store.deleteObject(bucket: "churn", key: "deep/a/b/c/key") }
                }
            }
            try await group.waitForAll()
        }
        if let bytes = try? await store.getObjectBytes(bucket: "churn", key: "deep/a/b/c/key") {
            #expect(ObjectStoreConformance.isUniform(bytes))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/churn/tmp").isEmpty)
        try await store.deleteObject(bucket: "churn", key: "deep/a/b/c/key")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/churn/objects").isEmpty)
        try await store.deleteBucket("churn")
    }

    /// Temporary files a crash left behind are removed at the next start, fresh ones are kept.
    @Test func leftoversOfACrashArePurgedAtStart() async throws {
        try await store.createBucket("crash")
        _ = try await store.putObject(bucket: "crash", key: "kept", bytes: buffer("data"))
        let tmp = root + "/crash/tmp"
        let old = Date().addingTimeInterval(-7200)
        for name in [".tmp-stale", ".tmp-fresh"] {
            FileManager.default.createFile(atPath: tmp + "/" + name, contents: Data(count: 10))
        }
        try FileManager.default.createDirectory(atPath: root + "/.bucket-stale/objects", withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: tmp + "/.tmp-stale")
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: root + "/.bucket-stale")
        let reopened = try FolderObjectStore(root: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == [".tmp-fresh"])
        #expect(!FileManager.default.fileExists(atPath: root + "/.bucket-stale"))
        #expect(string(try await reopened.getObjectBytes(bucket: "crash", key: "kept")) == "data")
    }
}
