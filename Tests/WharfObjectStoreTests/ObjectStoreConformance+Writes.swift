import Foundation
import NIOCore
import Testing
import WharfObjectStore

/// Stored headers, integrity checks and conditional writes: the same behaviour from every backend.
extension ObjectStoreConformance {
    static let checked = "checked bytes"
    /// Independent values (Python's zlib.crc32 and hashlib) for `checked`.
    static let checkedCRC32 = "wJMHWA=="
    static let checkedSHA256 = "wkB1kAjlkhAHKBKSjYvskHS7sMKAFemJI0eLiAJJS2U="
    static let checkedMD5 = Array(Data(base64Encoded: "JyM5Mctp+am4X32oFAfGTg==")!)

    static func storedHeadersAndText(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("hdrs")
        try await store.createBucket(bucket)
        let headers = [
            "cache-control": "max-age=60", "content-disposition": "attachment; filename=\"m.bin\"", "content-encoding": "gzip",
            "content-language": "de-CH", "expires": "Wed, 21 Oct 2099 07:28:00 GMT",
        ]
        let options = PutOptions(metadata: ["city": "Zürich", "plain": "ascii"], headers: headers)
        _ = try await store.putObject(bucket: bucket, key: "h", bytes: buffer("x"), options: options)
        let head = try await store.headObject(bucket: bucket, key: "h")
        #expect(head.headers == headers)
        #expect(head.metadata == ["city": "Zürich", "plain": "ascii"])
        #expect(try await store.getObject(bucket: bucket, key: "h", range: nil).info.headers == headers)
        // Content-Encoding describes the stored bytes: they come back as stored, never inflated.
        #expect(string(try await store.getObjectBytes(bucket: bucket, key: "h")) == "x")
        // A copy keeps them; a copy that replaces metadata replaces them too.
        _ = try await store.copyObject(from: ObjectLocation(bucket: bucket, key: "h"), to: ObjectLocation(bucket: bucket, key: "c"), metadata: .copy)
        #expect(try await store.headObject(bucket: bucket, key: "c").headers == headers)
        _ = try await store.copyObject(
            from: ObjectLocation(bucket: bucket, key: "h"), to: ObjectLocation(bucket: bucket, key: "r"),
            metadata: .replace(PutOptions(headers: ["cache-control": "no-store"])))
        #expect(try await store.headObject(bucket: bucket, key: "r").headers == ["cache-control": "no-store"])
        // Multipart uploads keep what CreateMultipartUpload was given.
        let id = try await store.createMultipartUpload(bucket: bucket, key: "mp", options: PutOptions(headers: ["content-language": "fr"]))
        let part = try await store.uploadPart(bucket: bucket, key: "mp", uploadId: id, partNumber: 1, body: SingleBuffer(buffer("p")))
        _ = try await store.completeMultipartUpload(bucket: bucket, key: "mp", uploadId: id, parts: [CompletedPart(partNumber: 1, etag: part.etag)])
        #expect(try await store.headObject(bucket: bucket, key: "mp").headers == ["content-language": "fr"])
    }

    static func integrity(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("sum")
        try await store.createBucket(bucket)
        // Verified, kept and returned.
        let good = PutOptions(integrity: Integrity(contentMD5: checkedMD5, algorithm: .crc32, expected: checkedCRC32))
        _ = try await store.putObject(bucket: bucket, key: "ok", bytes: buffer(checked), options: good)
        #expect(try await store.headObject(bucket: bucket, key: "ok").checksum == StoredChecksum(algorithm: .crc32, value: checkedCRC32))
        // Only asked for: computed and kept.
        _ = try await store.putObject(bucket: bucket, key: "asked", bytes: buffer(checked), options: PutOptions(integrity: Integrity(algorithm: .sha256)))
        #expect(try await store.headObject(bucket: bucket, key: "asked").checksum == StoredChecksum(algorithm: .sha256, value: checkedSHA256))
        // A mismatch stores nothing and leaves the previous object alone.
        let wrongMD5 = PutOptions(integrity: Integrity(contentMD5: Array(repeating: 0, count: 16)))
        let wrongCRC = PutOptions(integrity: Integrity(algorithm: .crc32, expected: "AAAAAA=="))
        for options in [wrongMD5, wrongCRC] {
            #expect(await storeError { _ = try await store.putObject(bucket: bucket, key: "ok", bytes: buffer("other bytes"), options: options) }?.s3Code == "BadDigest")
            #expect(await storeError { _ = try await store.putObject(bucket: bucket, key: "never", bytes: buffer("other"), options: options) }?.s3Code == "BadDigest")
        }
        #expect(string(try await store.getObjectBytes(bucket: bucket, key: "ok")) == checked)
        #expect(await storeError { _ = try await store.headObject(bucket: bucket, key: "never") } == .noSuchKey(bucket: bucket, key: "never"))
        // Parts are checked the same way.
        let id = try await store.createMultipartUpload(bucket: bucket, key: "mp", options: PutOptions())
        let badPart = await storeError {
            _ = try await store.uploadPart(
                bucket: bucket, key: "mp", uploadId: id, partNumber: 1, body: SingleBuffer(buffer(checked)),
                integrity: Integrity(algorithm: .crc32, expected: "AAAAAA=="))
        }
        #expect(badPart?.s3Code == "BadDigest")
        #expect(try await store.listParts(bucket: bucket, key: "mp", uploadId: id).isEmpty)
        let part = try await store.uploadPart(
            bucket: bucket, key: "mp", uploadId: id, partNumber: 1, body: SingleBuffer(buffer(checked)),
            integrity: Integrity(contentMD5: checkedMD5, algorithm: .crc32, expected: checkedCRC32))
        #expect(part.etag == md5Hex(Array(checked.utf8)))
        try await store.abortMultipartUpload(bucket: bucket, key: "mp", uploadId: id)
    }

    static func conditionalWrites(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("cond")
        try await store.createBucket(bucket)
        let first = try await store.putObject(bucket: bucket, key: "c", bytes: buffer("one"), options: PutOptions(condition: .absent))
        #expect(await storeError { _ = try await store.putObject(bucket: bucket, key: "c", bytes: buffer("two"), options: PutOptions(condition: .absent)) }?.s3Code == "PreconditionFailed")
        #expect(await storeError {
            _ = try await store.putObject(bucket: bucket, key: "c", bytes: buffer("two"), options: PutOptions(condition: .etagMatches(["\"0123\""])))
        }?.s3Code == "PreconditionFailed")
        #expect(string(try await store.getObjectBytes(bucket: bucket, key: "c")) == "one")
        _ = try await store.putObject(bucket: bucket, key: "c", bytes: buffer("two"), options: PutOptions(condition: .etagMatches(["\"\(first.etag)\""])))
        #expect(string(try await store.getObjectBytes(bucket: bucket, key: "c")) == "two")
        // A completion with If-None-Match: * onto an existing key fails and leaves it as it was.
        let id = try await store.createMultipartUpload(bucket: bucket, key: "c", options: PutOptions())
        let part = try await store.uploadPart(bucket: bucket, key: "c", uploadId: id, partNumber: 1, body: SingleBuffer(buffer("three")))
        #expect(await storeError {
            _ = try await store.completeMultipartUpload(bucket: bucket, key: "c", uploadId: id, parts: [CompletedPart(partNumber: 1, etag: part.etag)], condition: .absent)
        }?.s3Code == "PreconditionFailed")
        #expect(string(try await store.getObjectBytes(bucket: bucket, key: "c")) == "two")
        // Of many writers racing with If-None-Match: *, exactly one wins.
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask {
                    do {
                        _ = try await store.putObject(bucket: bucket, key: "race", bytes: buffer("w\(i)"), options: PutOptions(condition: .absent))
                        return true
                    } catch let error as ObjectStoreError where error.s3Code == "PreconditionFailed" {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }
}
