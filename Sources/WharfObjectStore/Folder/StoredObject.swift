import Crypto
import Foundation
import NIOCore

/// The record kept after an object's bytes in its file, so bytes and metadata are published by
/// one rename and can never disagree.
///
/// File layout: `[bytes][JSON record][UInt32 big-endian record length][8-byte magic]`.
struct StoredObject: Codable, Sendable {
    var key: String
    var size: Int64
    var etag: String
    var contentType: String
    var metadata: [String: String]
    var lastModified: Double
    /// The part number when the file is a staged part of a multipart upload.
    var partNumber: Int?
    /// Headers stored as sent (`PutOptions.storedHeaderNames`); nil when there are none.
    var headers: [String: String]?
    /// The checksum verified when the object was written (`ChecksumAlgorithm` raw value and base64 value).
    var checksumAlgorithm: String?
    var checksumValue: String?
    /// The object's tags; nil when it has none.
    var tags: [String: String]?

    static let magic: [UInt8] = Array("WHARFOB1".utf8)
    static let footerLength = 12

    func encodedTrailer() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var bytes = [UInt8](try encoder.encode(self))
        let length = UInt32(bytes.count)
        bytes.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        bytes.append(contentsOf: Self.magic)
        return bytes
    }

    /// Reads the record at the end of `file`.
    static func read(from file: Descriptor) throws -> StoredObject {
        let fileSize = try POSIX.size(of: file)
        guard fileSize >= Int64(footerLength) else { throw ObjectStoreError.backend("object file is truncated") }
        var footer = [UInt8](repeating: 0, count: footerLength)
        let n = try footer.withUnsafeMutableBytes { try POSIX.readFully(file, into: $0, at: fileSize - Int64(footerLength)) }
        guard n == footerLength, Array(footer[4...]) == magic else {
            throw ObjectStoreError.backend("object file has no Wharf record")
        }
        let length = Int(footer[0]) << 24 | Int(footer[1]) << 16 | Int(footer[2]) << 8 | Int(footer[3])
        guard Int64(length) + Int64(footerLength) <= fileSize else { throw ObjectStoreError.backend("object record is corrupt") }
        var json = [UInt8](repeating: 0, count: length)
        _ = try json.withUnsafeMutableBytes { try POSIX.readFully(file, into: $0, at: fileSize - Int64(footerLength) - Int64(length)) }
        let record = try json.withUnsafeBytes { Self.parse($0) } ?? JSONDecoder().decode(StoredObject.self, from: Data(json))
        guard record.size == fileSize - Int64(footerLength) - Int64(length) else {
            throw ObjectStoreError.backend("object record disagrees with the file size")
        }
        return record
    }

    var info: ObjectInfo {
        var checksum: StoredChecksum?
        if let checksumAlgorithm, let algorithm = ChecksumAlgorithm(rawValue: checksumAlgorithm), let checksumValue {
            checksum = StoredChecksum(algorithm: algorithm, value: checksumValue)
        }
        return ObjectInfo(
            key: key, size: size, etag: etag, contentType: contentType, metadata: metadata,
            lastModified: Date(timeIntervalSince1970: lastModified), headers: headers ?? [:], checksum: checksum,
            tagCount: tags?.count ?? 0)
    }

    /// Keeps the stored headers and checksum of a write (none of either leaves the record as it was).
    mutating func keep(headers: [String: String], checksum: StoredChecksum?, tags: [String: String]? = nil) {
        if let tags { self.tags = tags.isEmpty ? nil : tags }
        self.headers = headers.isEmpty ? nil : headers
        checksumAlgorithm = checksum?.algorithm.rawValue
        checksumValue = checksum?.value
    }
}

/// Streams bytes into a fresh temporary file, hashing them on the way, ready to be renamed in.
final class TempObjectWriter: @unchecked Sendable {
    private let openDirectory: () throws -> Descriptor
    private var created: (directory: Descriptor, file: Descriptor)?
    let name: String
    private var md5 = Insecure.MD5()
    /// The checksum a write asked for, computed with the MD5.
    var checksum: ObjectChecksum?
    private(set) var size: Int64 = 0
    private var pending: [ByteBuffer] = []
    private(set) var pendingBytes = 0
    private var finished = false

    /// Bytes gathered before one write call, so small network chunks cost one syscall per MiB.
    static let flushThreshold = 1 << 20

    init(in directory: Descriptor) throws {
        self.openDirectory = { directory }
        self.name = POSIX.randomName(".tmp-")
        _ = try file
    }

    /// A writer whose file is created in the folder `directory` opens, at the first write.
    init(creatingIn directory: @escaping () throws -> Descriptor) {
        self.openDirectory = directory
        self.name = POSIX.randomName(".tmp-")
    }

    deinit {
        if !finished, let created { _ = POSIX.unlink(in: created.directory, name) }
    }

    /// The temporary file, created on first use (blocking).
    var file: Descriptor {
        get throws {
            if let created { return created.file }
            let directory = try openDirectory()
            let file = try POSIX.createFile(in: directory, name)
            created = (directory, file)
            return file
        }
    }

    /// Queues a chunk (no copy); call `flush` when `pendingBytes` passes the threshold.
    func enqueue(_ chunk: ByteBuffer) {
        guard chunk.readableBytes > 0 else { return }
        pending.append(chunk)
        pendingBytes += chunk.readableBytes
    }

    /// Writes and hashes the queued chunks (blocking: run on a thread pool).
    func flush() throws {
        try write(pending)
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
    }

    /// Hands the queued chunks over for `write`, so the next ones can be queued meanwhile.
    func takePending() -> [ByteBuffer] {
        defer {
            pending = []
            pendingBytes = 0
        }
        return pending
    }

    /// Writes and hashes chunks in order (blocking: run on a thread pool, one call at a time).
    func write(_ chunks: [ByteBuffer]) throws {
        hash(chunks)
        try store(chunks)
    }

    /// Hashes chunks in order. `hash` and `store` of one batch may run at once on two threads.
    func hash(_ chunks: [ByteBuffer]) {
        for chunk in chunks {
            chunk.withUnsafeReadableBytes { bytes in
                md5.update(bufferPointer: bytes)
                checksum?.update(bytes)
            }
        }
    }

    /// Bytes written but not yet handed to the disk's writeback.
    private var unflushed: Int64 = 0
    /// How much a large upload writes before asking the kernel to start writing it back, so the
    /// final fsync finds most of the file already on its way to disk.
    static let writebackInterval: Int64 = 32 << 20

    /// Appends chunks to the file in order.
    func store(_ chunks: [ByteBuffer]) throws {
        let file = try self.file
        for chunk in chunks {
            try chunk.withUnsafeReadableBytes { try POSIX.writeAll(file, $0) }
            size += Int64(chunk.readableBytes)
            unflushed += Int64(chunk.readableBytes)
        }
        if unflushed >= Self.writebackInterval {
            POSIX.startWriteback(file, from: size - unflushed, count: unflushed)
            unflushed = 0
        }
    }

    /// Appends raw bytes already hashed elsewhere (multipart assembly).
    func appendCopy(from source: Descriptor, offset: Int64, length: Int64) throws {
        let bufferSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(bufferSize), length - done))
            let n = try POSIX.readFully(source, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), at: offset + done)
            guard n == want else { throw ObjectStoreError.backend("part file shorter than its record") }
            try POSIX.writeAll(try file, UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            done += Int64(n)
        }
        size += length
    }

    /// Hex MD5 of everything written.
    func digestHex() -> String {
        md5.finalize().hexString
    }

    /// Checks the written bytes against `integrity`; returns the checksum to keep.
    func verify(_ integrity: Integrity?) throws -> StoredChecksum? {
        guard let integrity else { return nil }
        return try integrity.verify(md5: integrity.contentMD5 == nil ? nil : Array(md5.finalize()), checksum: checksum)
    }

    /// Writes the record, syncs the file, and renames it to `finalName` in `target`. The rename
    /// itself is durable once `target` is fsynced (`DirectorySync`).
    func publish(record: StoredObject, to target: Descriptor, as finalName: String, durable: Bool) throws {
        try flush()
        let file = try self.file
        let trailer = try record.encodedTrailer()
        try trailer.withUnsafeBytes { try POSIX.writeAll(file, $0) }
        if durable { try POSIX.sync(file) }
        let code = POSIX.rename(from: created!.directory, name, to: target, finalName)
        guard code == 0 else { throw RenameFailure(code: code) }
        finished = true
    }
}

struct RenameFailure: Error {
    let code: Int32
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Digest {
    var hexString: String { self.withUnsafeBytes { Array($0) }.hexString }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
