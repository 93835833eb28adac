import Foundation

/// Object tags live in the object's record, so bytes, metadata and tags are published by one rename;
/// bucket tags in a `tags` file of the bucket folder.
extension FolderObjectStore {
    static let bucketTagsFile = "tags"

    public func objectTags(bucket: String, key: String) async throws -> [String: String] {
        try await run { try self.openObject(bucket: bucket, key: key).1.tags ?? [:] }
    }

    /// Rewrites the object's file with the new tags (its bytes are copied: the record sits after them),
    /// only while the object is still the one read, so a concurrent overwrite is never undone.
    public func putObjectTags(bucket: String, key: String, tags: [String: String]) async throws {
        try PutOptions.validate(tags: tags, limit: 10)
        for attempt in 1...3 {
            do {
                let ticket = try await run { () -> DirectorySync.Ticket in
                    let (file, record) = try self.openObject(bucket: bucket, key: key)
                    let writer = try TempObjectWriter(in: try self.subdirectory(try self.bucketDirectory(bucket), FolderLayout.temporaryDirectory))
                    try writer.appendCopy(from: file, offset: 0, length: record.size)
                    var updated = record
                    updated.tags = tags.isEmpty ? nil : tags
                    return try self.publish(writer, record: updated, bucket: bucket, key: key, condition: .etagMatches([record.etag]))
                }
                try await directorySync.wait(ticket)
                return
            } catch ObjectStoreError.preconditionFailed where attempt < 3 {
                continue
            }
        }
    }

    public func bucketTags(_ bucket: String) async throws -> [String: String]? {
        try await run {
            let dir = try self.bucketDirectory(bucket)
            guard let file = try? POSIX.openFile(in: dir, Self.bucketTagsFile) else { return nil }
            let size = try POSIX.size(of: file)
            var bytes = [UInt8](repeating: 0, count: Int(size))
            _ = try bytes.withUnsafeMutableBytes { try POSIX.readFully(file, into: $0, at: 0) }
            return try JSONDecoder().decode([String: String].self, from: Data(bytes))
        }
    }

    public func putBucketTags(_ bucket: String, tags: [String: String]?) async throws {
        if let tags { try PutOptions.validate(tags: tags, limit: 50) }
        try await run {
            let dir = try self.bucketDirectory(bucket)
            guard let tags else {
                let code = POSIX.unlink(in: dir, Self.bucketTagsFile)
                guard code == 0 || code == ENOENT else { throw ObjectStoreError.backend(POSIX.errorText("delete bucket tags", code)) }
                if self.durable { _ = fsync(dir.fd) }
                return
            }
            let tmp = try self.subdirectory(dir, FolderLayout.temporaryDirectory)
            let name = POSIX.randomName(".tmp-")
            let file = try POSIX.createFile(in: tmp, name)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try [UInt8](try encoder.encode(tags)).withUnsafeBytes { try POSIX.writeAll(file, $0) }
            if self.durable { try POSIX.sync(file) }
            let code = POSIX.rename(from: tmp, name, to: dir, Self.bucketTagsFile)
            guard code == 0 else {
                _ = POSIX.unlink(in: tmp, name)
                throw ObjectStoreError.backend(POSIX.errorText("rename bucket tags", code))
            }
            if self.durable { _ = fsync(dir.fd) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
