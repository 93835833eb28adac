import Crypto
import Foundation
import NIOCore

/// The record of an upload in progress, in `uploads/<id>/upload`.
struct StoredUpload: Codable {
    var key: String
    var contentType: String
    var metadata: [String: String]
    var initiated: Double
    var headers: [String: String]?
    var tags: [String: String]?
}

extension FolderObjectStore {
    static let uploadRecordName = "upload"

    static func partName(_ number: Int) -> String {
        let digits = String(number)
        return "p" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    /// Upload ids are 32 hex digits the store made; anything else never reaches the filesystem.
    static func isUploadId(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    func uploadDirectory(bucket: String, key: String, uploadId: String) throws -> (Descriptor, StoredUpload) {
        let dir = try bucketDirectory(bucket)
        guard Self.isUploadId(uploadId) else { throw ObjectStoreError.noSuchUpload(uploadId) }
        let uploads = try subdirectory(dir, FolderLayout.uploadsDirectory)
        guard let upload = try? POSIX.openDirectory(in: uploads, uploadId),
            let file = try? POSIX.openFile(in: upload, Self.uploadRecordName)
        else { throw ObjectStoreError.noSuchUpload(uploadId) }
        let record = try Self.readUpload(file)
        guard record.key == key else { throw ObjectStoreError.noSuchUpload(uploadId) }
        return (upload, record)
    }

    static func readUpload(_ file: Descriptor) throws -> StoredUpload {
        let size = try POSIX.size(of: file)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        _ = try bytes.withUnsafeMutableBytes { try POSIX.readFully(file, into: $0, at: 0) }
        return try JSONDecoder().decode(StoredUpload.self, from: Data(bytes))
    }

    public func createMultipartUpload(bucket: String, key: String, options: PutOptions) async throws -> String {
        try ObjectKey.validate(key)
        try options.validate()
        _ = try FolderLayout.path(for: key)
        // The upload is durable before its id is returned: its record file and folder entry are
        // fsynced, and the rename that publishes it is covered by a (group-committed) folder fsync.
        let (id, ticket) = try await run { () -> (String, DirectorySync.Ticket) in
            let dir = try self.bucketDirectory(bucket)
            let uploads = try self.subdirectory(dir, FolderLayout.uploadsDirectory)
            var rng = SystemRandomNumberGenerator()
            let id = [UInt8]((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }).hexString
            let staging = POSIX.randomName(".upload-")
            guard mkdirat(uploads.fd, staging, 0o755) == 0 else { throw ObjectStoreError.backend(POSIX.errorText("mkdir upload")) }
            let upload = try self.subdirectory(uploads, staging)
            let record = StoredUpload(
                key: key, contentType: options.contentType ?? "application/octet-stream",
                metadata: Self.normalized(options.metadata), initiated: Date().timeIntervalSince1970,
                headers: options.headers.isEmpty ? nil : options.headers, tags: options.tags.isEmpty ? nil : options.tags)
            let file = try POSIX.createFile(in: upload, Self.uploadRecordName)
            try [UInt8](try JSONEncoder().encode(record)).withUnsafeBytes { try POSIX.writeAll(file, $0) }
            if self.durable {
                try POSIX.sync(file)
                try POSIX.sync(upload)
            }
            let code = POSIX.rename(from: uploads, staging, to: uploads, id)
            guard code == 0 else { throw ObjectStoreError.backend(POSIX.errorText("rename upload", code)) }
            return (id, self.durable ? try self.directorySync.sync(uploads) : .done)
        }
        try await directorySync.wait(ticket)
        return id
    }

    public func uploadPart<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, uploadId: String, partNumber: Int, body: Body, integrity: Integrity?
    ) async throws -> PartInfo where Body.Element == ByteBuffer {
        guard (1...MultipartLimits.maximumPartNumber).contains(partNumber) else {
            throw ObjectStoreError.invalidArgument(field: "partNumber", reason: "must be between 1 and \(MultipartLimits.maximumPartNumber)")
        }
        let (upload, writer) = try await run { () -> (Descriptor, TempObjectWriter) in
            let (upload, _) = try self.uploadDirectory(bucket: bucket, key: key, uploadId: uploadId)
            return (upload, try TempObjectWriter(in: upload))
        }
        writer.checksum = integrity?.algorithm.map(ObjectChecksum.init)
        try await stream(body, into: writer)
        let (part, ticket) = try await run { () -> (PartInfo, DirectorySync.Ticket) in
            try writer.flush()
            let checksum = try writer.verify(integrity)
            let now = Date().timeIntervalSince1970
            var record = StoredObject(
                key: key, size: writer.size, etag: writer.digestHex(), contentType: "", metadata: [:],
                lastModified: now, partNumber: partNumber)
            record.keep(headers: [:], checksum: checksum)
            do {
                try writer.publish(record: record, to: upload, as: Self.partName(partNumber), durable: self.durable)
            } catch is RenameFailure {
                throw ObjectStoreError.noSuchUpload(uploadId)
            }
            let ticket = self.durable ? try self.directorySync.sync(upload) : .done
            return (PartInfo(partNumber: partNumber, size: record.size, etag: record.etag, lastModified: Date(timeIntervalSince1970: now)), ticket)
        }
        try await directorySync.wait(ticket)
        return part
    }

    static func parts(in upload: Descriptor) throws -> [PartInfo] {
        var parts: [PartInfo] = []
        for entry in try POSIX.entries(of: upload) where entry.kind == .file && entry.name.first == UInt8(ascii: "p") {
            guard let file = try? POSIX.openFile(in: upload, String(decoding: entry.name, as: UTF8.self)),
                let record = try? StoredObject.read(from: file), let number = record.partNumber
            else { continue }
            parts.append(PartInfo(partNumber: number, size: record.size, etag: record.etag, lastModified: Date(timeIntervalSince1970: record.lastModified)))
        }
        return parts.sorted { $0.partNumber < $1.partNumber }
    }

    public func listParts(bucket: String, key: String, uploadId: String) async throws -> [PartInfo] {
        try await run {
            let (upload, _) = try self.uploadDirectory(bucket: bucket, key: key, uploadId: uploadId)
            return try Self.parts(in: upload)
        }
    }

    public func completeMultipartUpload(
        bucket: String, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition?
    ) async throws -> PutResult {
        let (result, ticket) = try await run { () -> (PutResult, DirectorySync.Ticket) in
            let (upload, record) = try self.uploadDirectory(bucket: bucket, key: key, uploadId: uploadId)
            let stored = Dictionary(try Self.parts(in: upload).map { ($0.partNumber, $0) }, uniquingKeysWith: { a, _ in a })
            let chosen = try Self.validate(parts, against: stored)
            let dir = try self.bucketDirectory(bucket)
            let writer = try TempObjectWriter(in: try self.subdirectory(dir, FolderLayout.temporaryDirectory))
            var md5OfMD5s = Insecure.MD5()
            for part in chosen {
                let file = try POSIX.openFile(in: upload, Self.partName(part.partNumber))
                try writer.appendCopy(from: file, offset: 0, length: part.size)
                md5OfMD5s.update(data: Self.bytes(ofHex: part.etag))
            }
            let now = Date().timeIntervalSince1970
            var object = StoredObject(
                key: key, size: writer.size, etag: "\(md5OfMD5s.finalize().hexString)-\(chosen.count)",
                contentType: record.contentType, metadata: record.metadata, lastModified: now)
            object.keep(headers: record.headers ?? [:], checksum: nil, tags: record.tags ?? [:])
            let ticket = try self.publish(writer, record: object, bucket: bucket, key: key, condition: condition)
            let uploads = try self.subdirectory(dir, FolderLayout.uploadsDirectory)
            POSIX.removeTree(in: uploads, uploadId)
            return (PutResult(size: object.size, etag: object.etag, lastModified: Date(timeIntervalSince1970: now)), ticket)
        }
        try await directorySync.wait(ticket)
        return result
    }

    /// S3's rules for a completion: at least one part, ascending numbers, each part uploaded with
    /// the ETag given, every part but the last at least 5 MiB.
    static func validate(_ parts: [CompletedPart], against stored: [Int: PartInfo]) throws -> [PartInfo] {
        guard !parts.isEmpty else { throw ObjectStoreError.invalidArgument(field: "Part", reason: "the completion names no parts") }
        var chosen: [PartInfo] = []
        for (index, part) in parts.enumerated() {
            if index > 0, part.partNumber <= parts[index - 1].partNumber {
                throw ObjectStoreError.invalidPartOrder("part \(part.partNumber) follows part \(parts[index - 1].partNumber)")
            }
            guard let found = stored[part.partNumber] else {
                throw ObjectStoreError.invalidPart(partNumber: part.partNumber, reason: "was not uploaded")
            }
            let given = part.etag.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased()
            guard given == found.etag else {
                throw ObjectStoreError.invalidPart(partNumber: part.partNumber, reason: "ETag \(part.etag) does not match the uploaded part")
            }
            chosen.append(found)
        }
        for part in chosen.dropLast() where part.size < MultipartLimits.minimumPartSize {
            throw ObjectStoreError.entityTooSmall(partNumber: part.partNumber, size: part.size)
        }
        return chosen
    }

    static func bytes(ofHex hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let a = iterator.next(), let b = iterator.next() {
            func value(_ c: UInt8) -> UInt8 { c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10 }
            out.append(value(a) << 4 | value(b))
        }
        return out
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        try await run {
            _ = try self.uploadDirectory(bucket: bucket, key: key, uploadId: uploadId)
            let uploads = try self.subdirectory(try self.bucketDirectory(bucket), FolderLayout.uploadsDirectory)
            POSIX.removeTree(in: uploads, uploadId)
        }
    }

    public func listMultipartUploads(bucket: String, prefix: String) async throws -> [MultipartUploadInfo] {
        try await run {
            let uploads = try self.subdirectory(try self.bucketDirectory(bucket), FolderLayout.uploadsDirectory)
            var result: [MultipartUploadInfo] = []
            for entry in try POSIX.entries(of: uploads) where entry.kind == .directory {
                let id = String(decoding: entry.name, as: UTF8.self)
                guard Self.isUploadId(id), let dir = try? POSIX.openDirectory(in: uploads, id),
                    let file = try? POSIX.openFile(in: dir, Self.uploadRecordName),
                    let record = try? Self.readUpload(file), record.key.utf8.starts(with: prefix.utf8)
                else { continue }
                result.append(MultipartUploadInfo(key: record.key, uploadId: id, initiated: Date(timeIntervalSince1970: record.initiated)))
            }
            return result.sorted {
                $0.key == $1.key ? $0.initiated < $1.initiated : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
            }
        }
    }
}
