import Crypto
import Foundation
import NIOCore
import NIOPosix

/// An `ObjectStore` in a local folder: `root/<bucket>/objects/…` holds one file per object,
/// written to `root/<bucket>/tmp/` first and renamed in, so no partial object is ever visible.
///
/// Every path below `root` is opened component by component without following symbolic links,
/// from names the store escaped itself (`FolderLayout`): no key can reach outside the root.
public final class FolderObjectStore: ObjectStore {
    public let root: String
    /// Whether writes are fsynced before they become visible (off only for throw-away data).
    public let durable: Bool
    let rootDirectory: Descriptor
    let pool: NIOThreadPool
    let directorySync: DirectorySync
    /// Size of the chunks a get yields.
    let readChunkSize = 1 << 20
    /// Objects (or ranges) up to this size are read with their head and sent as one buffer.
    let inlineReadLimit = 1 << 20
    /// Conditional writes of one key take the same lock for their check and rename.
    let keyLocks: [NSLock] = (0..<64).map { _ in NSLock() }

    /// The threads folder stores block on by default. More than the cores: most of a write's time
    /// is spent waiting in fsync, and the disk serves several of those at once.
    public static let sharedThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    /// The threads that read the chunks of large downloads. Few on purpose: glibc keeps freed
    /// chunks in the arena of the thread that allocated them, so chunks allocated on all 16 pool
    /// threads would keep over 100 MiB resident after one large download.
    static let chunkReadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// Opens (creating when missing) the folder at `root`.
    public init(root: String, durable: Bool = true, threadPool: NIOThreadPool = FolderObjectStore.sharedThreadPool) throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        self.root = root
        self.durable = durable
        self.pool = threadPool
        self.directorySync = DirectorySync(pool: threadPool)
        self.rootDirectory = try POSIX.openDirectory(root)
        purgeLeftovers(olderThan: 3600)
    }

    /// Removes what a crashed process left behind: temporary object files, half-made bucket and
    /// upload folders, and trashed buckets. Only entries older than `age` seconds go, so writes
    /// of another process sharing the folder are left alone.
    func purgeLeftovers(olderThan age: TimeInterval) {
        let cutoff = Date().addingTimeInterval(-age)
        func old(_ parent: Descriptor, _ name: String) -> Bool {
            var st = stat()
            guard fstatat(parent.fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
            return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec)) < cutoff
        }
        func purge(in directory: Descriptor, prefixes: [String]) {
            for entry in (try? POSIX.entries(of: directory)) ?? [] {
                let name = String(decoding: entry.name, as: UTF8.self)
                if prefixes.contains(where: name.hasPrefix), old(directory, name) { POSIX.removeTree(in: directory, name) }
            }
        }
        purge(in: rootDirectory, prefixes: [".bucket-", ".deleted-"])
        for entry in (try? POSIX.entries(of: rootDirectory)) ?? [] where entry.kind == .directory {
            let name = String(decoding: entry.name, as: UTF8.self)
            guard BucketName.isValid(name), let bucket = try? POSIX.openDirectory(in: rootDirectory, name) else { continue }
            if let tmp = try? POSIX.openDirectory(in: bucket, FolderLayout.temporaryDirectory) { purge(in: tmp, prefixes: [".tmp-"]) }
            if let uploads = try? POSIX.openDirectory(in: bucket, FolderLayout.uploadsDirectory) {
                purge(in: uploads, prefixes: [".upload-"])
                for upload in (try? POSIX.entries(of: uploads)) ?? [] where upload.kind == .directory {
                    if let dir = try? POSIX.openDirectory(in: uploads, String(decoding: upload.name, as: UTF8.self)) {
                        purge(in: dir, prefixes: [".tmp-"])
                    }
                }
            }
        }
    }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }

    public func checkHealth() async throws {
        try await run {
            var st = stat()
            guard fstat(self.rootDirectory.fd, &st) == 0 else {
                throw ObjectStoreError.backend(POSIX.errorText("stat \(self.root)"))
            }
        }
    }

    // MARK: buckets

    func bucketDirectory(_ bucket: String) throws -> Descriptor {
        try BucketName.validate(bucket)
        do throws(PathFailure) {
            return try POSIX.openDirectory(in: rootDirectory, bucket)
        } catch .missing, .notTraversable {
            throw ObjectStoreError.noSuchBucket(bucket)
        } catch .other(let message) {
            throw ObjectStoreError.backend(message)
        }
    }

    func subdirectory(_ parent: Descriptor, _ name: String) throws -> Descriptor {
        do {
            return try POSIX.openDirectory(in: parent, name)
        } catch {
            throw ObjectStoreError.backend("bucket folder is missing its '\(name)' directory")
        }
    }

    public func createBucket(_ bucket: String) async throws {
        try BucketName.validate(bucket)
        try await run {
            let staging = POSIX.randomName(".bucket-")
            guard mkdirat(self.rootDirectory.fd, staging, 0o755) == 0 else {
                throw ObjectStoreError.backend(POSIX.errorText("mkdir \(staging)"))
            }
            do {
                let dir = try self.subdirectory(self.rootDirectory, staging)
                for name in [FolderLayout.objectsDirectory, FolderLayout.uploadsDirectory, FolderLayout.temporaryDirectory] {
                    guard mkdirat(dir.fd, name, 0o755) == 0 else { throw ObjectStoreError.backend(POSIX.errorText("mkdir \(name)")) }
                }
                let created = try POSIX.createFile(in: dir, FolderLayout.createdFile)
                let stamp = String(Date().timeIntervalSince1970)
                try Array(stamp.utf8).withUnsafeBytes { try POSIX.writeAll(created, $0) }
                if self.durable { try POSIX.sync(created) }
                // A bucket folder is never empty, so renaming onto an existing one fails.
                let code = POSIX.rename(from: self.rootDirectory, staging, to: self.rootDirectory, bucket)
                if code == EEXIST || code == ENOTEMPTY || code == ENOTDIR || code == EISDIR {
                    throw ObjectStoreError.bucketAlreadyOwnedByYou(bucket)
                }
                guard code == 0 else { throw ObjectStoreError.backend(POSIX.errorText("rename bucket", code)) }
                if self.durable { _ = fsync(self.rootDirectory.fd) }
            } catch {
                POSIX.removeTree(in: self.rootDirectory, staging)
                throw error
            }
        }
    }

    public func bucketExists(_ bucket: String) async throws -> Bool {
        try BucketName.validate(bucket)
        return try await run {
            do {
                _ = try self.bucketDirectory(bucket)
                return true
            } catch ObjectStoreError.noSuchBucket {
                return false
            }
        }
    }

    public func deleteBucket(_ bucket: String) async throws {
        try await run {
            let dir = try self.bucketDirectory(bucket)
            let objects = try self.subdirectory(dir, FolderLayout.objectsDirectory)
            if try Self.containsObject(objects) { throw ObjectStoreError.bucketNotEmpty(bucket) }
            let trash = POSIX.randomName(".deleted-")
            let code = POSIX.rename(from: self.rootDirectory, bucket, to: self.rootDirectory, trash)
            guard code == 0 else { throw ObjectStoreError.backend(POSIX.errorText("rename bucket", code)) }
            POSIX.removeTree(in: self.rootDirectory, trash)
        }
    }

    /// Whether any object file exists below `directory` (empty folders left by deletes do not count).
    static func containsObject(_ directory: Descriptor) throws -> Bool {
        for entry in try POSIX.entries(of: directory) {
            if entry.kind == .file, entry.name.first == UInt8(ascii: "o") { return true }
            if entry.kind == .directory, entry.name.first == UInt8(ascii: "d"),
                let child = try? POSIX.openDirectory(in: directory, String(decoding: entry.name, as: UTF8.self)),
                try containsObject(child)
            {
                return true
            }
        }
        return false
    }

    public func listBuckets() async throws -> [BucketInfo] {
        try await run {
            var buckets: [BucketInfo] = []
            for entry in try POSIX.entries(of: self.rootDirectory) where entry.kind == .directory {
                let name = String(decoding: entry.name, as: UTF8.self)
                guard BucketName.isValid(name), let dir = try? POSIX.openDirectory(in: self.rootDirectory, name),
                    let created = try? POSIX.openFile(in: dir, FolderLayout.createdFile)
                else { continue }
                var bytes = [UInt8](repeating: 0, count: 64)
                let n = (try? bytes.withUnsafeMutableBytes { try POSIX.readFully(created, into: $0, at: 0) }) ?? 0
                let seconds = Double(String(decoding: bytes[..<n], as: UTF8.self)) ?? 0
                buckets.append(BucketInfo(name: name, creationDate: Date(timeIntervalSince1970: seconds)))
            }
            return buckets.sorted { $0.name < $1.name }
        }
    }

    // MARK: objects

    /// Opens the directory holding `key`'s file, creating folders when asked (durably when the store is).
    func parentDirectory(bucket: Descriptor, bucketName: String, key: String, create: Bool) throws -> (Descriptor, String) {
        try ObjectKey.validate(key)
        let path = try FolderLayout.path(for: key)
        var current = try subdirectory(bucket, FolderLayout.objectsDirectory)
        for name in path.directories {
            do throws(PathFailure) {
                if create {
                    let (next, created) = try POSIX.makeDirectory(in: current, name)
                    // A new folder's own entry must be on disk before anything inside it counts as written.
                    if created && durable { _ = fsync(current.fd) }
                    current = next
                } else {
                    current = try POSIX.openDirectory(in: current, name)
                }
            } catch .missing {
                if create { throw FolderVanished() }
                throw ObjectStoreError.noSuchKey(bucket: bucketName, key: key)
            } catch .notTraversable {
                if create { throw ObjectStoreError.invalidKey(key, reason: "the key's folder path crosses a symbolic link or a file") }
                throw ObjectStoreError.noSuchKey(bucket: bucketName, key: key)
            } catch .other(let message) {
                throw ObjectStoreError.backend(message)
            }
        }
        return (current, path.file)
    }

    func openObject(bucket: String, key: String) throws -> (Descriptor, StoredObject) {
        let dir = try bucketDirectory(bucket)
        let (parent, name) = try parentDirectory(bucket: dir, bucketName: bucket, key: key, create: false)
        let file: Descriptor
        do throws(PathFailure) {
            file = try POSIX.openFile(in: parent, name)
        } catch .missing, .notTraversable {
            throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
        } catch .other(let message) {
            throw ObjectStoreError.backend(message)
        }
        return (file, try StoredObject.read(from: file))
    }

    public func putObject<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, body: Body, options: PutOptions
    ) async throws -> PutResult where Body.Element == ByteBuffer {
        try ObjectKey.validate(key)
        try options.validate()
        _ = try FolderLayout.path(for: key)
        // The temporary file is created by the first flush: a small body costs one trip to the pool.
        let writer = TempObjectWriter {
            try self.subdirectory(try self.bucketDirectory(bucket), FolderLayout.temporaryDirectory)
        }
        writer.checksum = options.integrity?.algorithm.map(ObjectChecksum.init)
        try await stream(body, into: writer)
        let (result, ticket) = try await run { () -> (PutResult, DirectorySync.Ticket) in
            try writer.flush()
            let checksum = try writer.verify(options.integrity)
            var record = StoredObject(
                key: key, size: writer.size, etag: writer.digestHex(),
                contentType: options.contentType ?? "application/octet-stream",
                metadata: Self.normalized(options.metadata), lastModified: Date().timeIntervalSince1970)
            record.keep(headers: options.headers, checksum: checksum, tags: options.tags)
            let ticket = try self.publish(writer, record: record, bucket: bucket, key: key, condition: options.condition)
            return (PutResult(size: record.size, etag: record.etag, lastModified: Date(timeIntervalSince1970: record.lastModified)), ticket)
        }
        try await directorySync.wait(ticket)
        return result
    }

    /// Feeds a body into a writer. Every MiB gathered is hashed and written on the thread pool
    /// while the next MiB is received: at most one batch is in flight, so memory stays bounded.
    func stream<Body: AsyncSequence>(_ body: Body, into writer: TempObjectWriter) async throws where Body.Element == ByteBuffer {
        var inFlight: Task<Void, any Error>?
        do {
            for try await chunk in body {
                writer.enqueue(chunk)
                if writer.pendingBytes >= TempObjectWriter.flushThreshold {
                    let batch = writer.takePending()
                    try await inFlight?.value
                    // Hashing and writing a batch run on two threads at once; batches stay in order.
                    inFlight = Task {
                        async let hashed: Void = self.run { writer.hash(batch) }
                        try await self.run { try writer.store(batch) }
                        try await hashed
                    }
                }
            }
        } catch {
            _ = try? await inFlight?.value
            throw error
        }
        try await inFlight?.value
    }

    /// Renames a finished temp file onto `key`, re-opening the folders when a concurrent delete
    /// removed an emptied folder in between. The write is durable once the returned ticket is waited for.
    /// Runs on the blocking thread pool: after a lost race it backs off a little longer each time (up to
    /// 2 ms), so writers and deleters of one folder on a loaded machine cannot starve each other.
    func publish(
        _ writer: TempObjectWriter, record: StoredObject, bucket: String, key: String, condition: WriteCondition? = nil
    ) throws -> DirectorySync.Ticket {
        let attempts = 64
        for attempt in 1...attempts {
            if attempt > 1 { usleep(UInt32(min(attempt - 1, 20)) * 100) }
            let dir = try bucketDirectory(bucket)
            let parent: Descriptor, name: String
            do {
                (parent, name) = try parentDirectory(bucket: dir, bucketName: bucket, key: key, create: true)
            } catch is FolderVanished where attempt < attempts {
                continue
            } catch is FolderVanished {
                throw ObjectStoreError.backend("the folders of '\(key)' kept being removed while writing it")
            }
            do {
                if let condition {
                    // The check and the rename hold the key's lock, so two conditional writers of one
                    // key cannot both see the object they expect and both replace it.
                    let lock = keyLocks[Int(UInt(bitPattern: key.hashValue) % UInt(keyLocks.count))]
                    try lock.withLock {
                        var current: String?
                        if let file = try? POSIX.openFile(in: parent, name) { current = try StoredObject.read(from: file).etag }
                        try condition.check(current: current, bucket: bucket, key: key)
                        try writer.publish(record: record, to: parent, as: name, durable: durable)
                    }
                } else {
                    try writer.publish(record: record, to: parent, as: name, durable: durable)
                }
                return durable ? try directorySync.sync(parent) : .done
            } catch let failure as RenameFailure {
                if failure.code == ENOENT && attempt < attempts { continue }
                if failure.code == EISDIR || failure.code == ENOTEMPTY {
                    throw ObjectStoreError.invalidKey(key, reason: "a folder is in the way of the object file")
                }
                throw ObjectStoreError.backend(POSIX.errorText("rename object", failure.code))
            }
        }
        throw ObjectStoreError.backend("could not rename '\(key)' into place")
    }

    static func normalized(_ metadata: [String: String]) -> [String: String] {
        Dictionary(metadata.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public func getObject(bucket: String, key: String, range: ByteRange?) async throws -> ObjectDownload {
        // One trip to the thread pool opens the object and, when it is small, reads it too.
        let (file, record, served, bytes) = try await run { () -> (Descriptor, StoredObject, ClosedRange<Int64>?, ByteBuffer?) in
            let (file, record) = try self.openObject(bucket: bucket, key: key)
            let served: ClosedRange<Int64>?
            if let range {
                served = try range.resolve(size: record.size)
            } else {
                served = record.size > 0 ? 0...(record.size - 1) : nil
            }
            guard let served else { return (file, record, nil, ByteBuffer()) }
            let count = served.upperBound - served.lowerBound + 1
            guard count <= Int64(self.inlineReadLimit) else { return (file, record, served, nil) }
            return (file, record, served, try RangeReader.read(file, at: served.lowerBound, count: Int(count)))
        }
        if let bytes { return ObjectDownload(info: record.info, range: served, bytes: bytes) }
        let reader = RangeReader(file: file, range: served, chunkSize: readChunkSize, pool: Self.chunkReadPool)
        return ObjectDownload(info: record.info, range: served, body: ObjectBody(pull: { try await reader.next() }))
    }

    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        try await run { try self.openObject(bucket: bucket, key: key).1.info }
    }

    public func deleteObject(bucket: String, key: String) async throws {
        try await run {
            let dir = try self.bucketDirectory(bucket)
            try ObjectKey.validate(key)
            let path = try FolderLayout.path(for: key)
            var chain: [Descriptor] = [try self.subdirectory(dir, FolderLayout.objectsDirectory)]
            for name in path.directories {
                guard let next = try? POSIX.openDirectory(in: chain.last!, name) else { return }
                chain.append(next)
            }
            let code = POSIX.unlink(in: chain.last!, path.file)
            guard code == 0 || code == ENOENT else { throw ObjectStoreError.backend(POSIX.errorText("delete", code)) }
            // Remove folders the delete emptied, innermost first; a non-empty one ends it.
            for index in stride(from: path.directories.count - 1, through: 0, by: -1) {
                if POSIX.unlink(in: chain[index], path.directories[index], directory: true) != 0 { break }
            }
        }
    }

    public func copyObject(
        from source: ObjectLocation, to destination: ObjectLocation, metadata: MetadataDirective
    ) async throws -> PutResult {
        try ObjectKey.validate(destination.key)
        if case .replace(let options) = metadata { try options.validate() }
        let (result, ticket) = try await run { () -> (PutResult, DirectorySync.Ticket) in
            let (file, record) = try self.openObject(bucket: source.bucket, key: source.key)
            let destinationBucket = try self.bucketDirectory(destination.bucket)
            let writer = try TempObjectWriter(in: try self.subdirectory(destinationBucket, FolderLayout.temporaryDirectory))
            // Hash while copying: a copy's ETag is the MD5 of its bytes, also for a multipart source.
            var offset: Int64 = 0
            let chunk = 1 << 20
            var buffer = ByteBufferAllocator().buffer(capacity: chunk)
            while offset < record.size {
                buffer.clear()
                let want = Int(min(Int64(chunk), record.size - offset))
                let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { raw in
                    try POSIX.readFully(file, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]), at: offset)
                }
                guard n == want else { throw ObjectStoreError.backend("source object shrank while copying") }
                writer.enqueue(buffer)
                try writer.flush()
                offset += Int64(n)
            }
            var final = record
            final.key = destination.key
            final.size = writer.size
            final.etag = writer.digestHex()
            final.lastModified = Date().timeIntervalSince1970
            final.partNumber = nil
            if case .replace(let options) = metadata {
                final.contentType = options.contentType ?? "application/octet-stream"
                final.metadata = Self.normalized(options.metadata)
                final.keep(headers: options.headers, checksum: record.info.checksum)
            }
            let ticket = try self.publish(writer, record: final, bucket: destination.bucket, key: destination.key)
            return (PutResult(size: final.size, etag: final.etag, lastModified: Date(timeIntervalSince1970: final.lastModified)), ticket)
        }
        try await directorySync.wait(ticket)
        return result
    }
}

/// A folder on the way to a key was removed by a concurrent delete; the write starts over.
struct FolderVanished: Error {}

/// Reads a byte range of an open file in chunks on the thread pool. While the consumer sends one
/// chunk, the next is already being read (one chunk of read-ahead), so disk and network overlap.
final class RangeReader: @unchecked Sendable {
    let file: Descriptor
    let pool: NIOThreadPool
    let chunkSize: Int
    let lock = NSLock()
    var offset: Int64
    let end: Int64
    var readAhead: Task<ByteBuffer?, any Error>?

    init(file: Descriptor, range: ClosedRange<Int64>?, chunkSize: Int, pool: NIOThreadPool) {
        self.file = file
        self.pool = pool
        self.chunkSize = chunkSize
        self.offset = range?.lowerBound ?? 0
        self.end = range.map { $0.upperBound + 1 } ?? 0
    }

    deinit {
        readAhead?.cancel()
    }

    func next() async throws -> ByteBuffer? {
        let pending: Task<ByteBuffer?, any Error>? = lock.withLock {
            defer { readAhead = nil }
            return readAhead
        }
        let chunk: ByteBuffer?
        if let pending {
            chunk = try await pending.value
        } else {
            chunk = try await readChunk()
        }
        if chunk != nil {
            let following = Task { try await self.readChunk() }
            lock.withLock { readAhead = following }
        }
        return chunk
    }

    /// Reads the chunk at the current offset and advances past it; nil at the end of the range.
    private func readChunk() async throws -> ByteBuffer? {
        let (start, want): (Int64, Int) = lock.withLock {
            let start = offset
            let want = Int(max(0, min(Int64(chunkSize), end - start)))
            offset = start + Int64(want)
            return (start, want)
        }
        guard want > 0 else { return nil }
        return try await pool.runIfActive { try Self.read(self.file, at: start, count: want) }
    }

    /// Reads exactly `count` bytes at `offset` (blocking: run on a thread pool).
    static func read(_ file: Descriptor, at offset: Int64, count: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        let n = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            try POSIX.readFully(file, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<count]), at: offset)
        }
        guard n == count else { throw ObjectStoreError.backend("object file ended early") }
        return buffer
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
