import Crypto
import Foundation
import NIOCore
import Testing
import WharfObjectStore

/// The behaviour every `ObjectStore` backend must show; each suite runs these against its store.
enum ObjectStoreConformance {
    static func bucketLifecycle(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("life")
        #expect(try await store.bucketExists(bucket) == false)
        try await store.createBucket(bucket)
        #expect(try await store.bucketExists(bucket))
        #expect(await storeError { try await store.createBucket(bucket) } == .bucketAlreadyOwnedByYou(bucket))
        #expect(try await store.listBuckets().contains { $0.name == bucket })
        _ = try await store.putObject(bucket: bucket, key: "a/b.txt", bytes: buffer("x"))
        #expect(await storeError { try await store.deleteBucket(bucket) } == .bucketNotEmpty(bucket))
        try await store.deleteObject(bucket: bucket, key: "a/b.txt")
        try await store.deleteBucket(bucket)
        #expect(try await store.bucketExists(bucket) == false)
        #expect(try await !store.listBuckets().contains { $0.name == bucket })
        #expect(await storeError { try await store.deleteBucket(bucket) } == .noSuchBucket(bucket))
        #expect(await storeError { _ = try await store.putObject(bucket: bucket, key: "k", bytes: buffer("x")) } == .noSuchBucket(bucket))
        #expect(await storeError { try await store.createBucket("Bad_Name") }?.s3Code == "InvalidBucketName")
    }

    static func putGetHead(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("put")
        try await store.createBucket(bucket)
        let text = "hello, wharf"
        let options = PutOptions(contentType: "text/plain", metadata: ["Owner": "ci", "run": "42"])
        let put = try await store.putObject(bucket: bucket, key: "docs/hello.txt", bytes: buffer(text), options: options)
        #expect(put.size == Int64(text.utf8.count))
        #expect(put.etag == md5Hex(Array(text.utf8)))
        let head = try await store.headObject(bucket: bucket, key: "docs/hello.txt")
        #expect(head.size == put.size)
        #expect(head.etag == put.etag)
        #expect(head.contentType == "text/plain")
        #expect(head.metadata == ["owner": "ci", "run": "42"])
        #expect(abs(head.lastModified.timeIntervalSinceNow) < 120)
        let got = try await store.getObject(bucket: bucket, key: "docs/hello.txt", range: nil)
        #expect(got.info.etag == put.etag)
        #expect(string(try await got.body.collect(upTo: 1 << 20)) == text)
        // Overwrite replaces bytes and metadata together.
        _ = try await store.putObject(bucket: bucket, key: "docs/hello.txt", bytes: buffer("v2"))
        let second = try await store.headObject(bucket: bucket, key: "docs/hello.txt")
        #expect(second.size == 2)
        #expect(second.metadata.isEmpty)
        #expect(string(try await store.getObjectBytes(bucket: bucket, key: "docs/hello.txt")) == "v2")
        // Empty objects and keys with spaces, unicode and a trailing slash.
        for key in ["empty", "with space/and+plus=&?.txt", "données/été.csv", "folder/"] {
            let result = try await store.putObject(bucket: bucket, key: key, bytes: ByteBuffer())
            #expect(result.etag == md5Hex([]))
            #expect(try await store.headObject(bucket: bucket, key: key).size == 0)
            #expect(try await store.getObjectBytes(bucket: bucket, key: key).readableBytes == 0)
        }
        #expect(await storeError { _ = try await store.headObject(bucket: bucket, key: "missing") } == .noSuchKey(bucket: bucket, key: "missing"))
        #expect(await storeError { _ = try await store.getObject(bucket: bucket, key: "docs/missing", range: nil) } == .noSuchKey(bucket: bucket, key: "docs/missing"))
        // Deleting twice is fine, as in S3.
        try await store.deleteObject(bucket: bucket, key: "empty")
        try await store.deleteObject(bucket: bucket, key: "empty")
        #expect(await storeError { _ = try await store.headObject(bucket: bucket, key: "empty") } == .noSuchKey(bucket: bucket, key: "empty"))
        #expect(await storeError { _ = try await store.putObject(bucket: bucket, key: "../escape", bytes: buffer("x")) }?.s3Code == "InvalidArgument")
        let long = String(repeating: "k", count: 1025)
        #expect(await storeError { _ = try await store.putObject(bucket: bucket, key: long, bytes: buffer("x")) } == .keyTooLong(long, length: 1025))
    }

    static func badMetadata(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("meta")
        try await store.createBucket(bucket)
        let bad: [PutOptions] = [
            PutOptions(metadata: ["evil": "x\r\nSet-Cookie: a=b"]),
            PutOptions(metadata: ["bad name": "v"]),
            PutOptions(metadata: ["": "v"]),
            PutOptions(metadata: ["big": String(repeating: "v", count: 2100)]),
            PutOptions(contentType: "text/plain\r\nX-Injected: 1"),
            PutOptions(headers: ["cache-control": "no-cache\r\nX-Injected: 1"]),
            PutOptions(headers: ["x-not-stored": "v"]),
        ]
        for options in bad {
            let error = await storeError { _ = try await store.putObject(bucket: bucket, key: "m", bytes: buffer("x"), options: options) }
            #expect(error?.s3Code == "InvalidArgument", "\(options)")
            let upload = await storeError { _ = try await store.createMultipartUpload(bucket: bucket, key: "m", options: options) }
            #expect(upload?.s3Code == "InvalidArgument", "\(options)")
        }
        #expect(await storeError { _ = try await store.headObject(bucket: bucket, key: "m") } == .noSuchKey(bucket: bucket, key: "m"))
        let fine = PutOptions(contentType: "text/csv; charset=utf-8", metadata: ["x-trace-id.v2": "a value with spaces"])
        _ = try await store.putObject(bucket: bucket, key: "m", bytes: buffer("x"), options: fine)
        let stored = try await store.headObject(bucket: bucket, key: "m").metadata
        #expect(stored["x-trace-id.v2"] == "a value with spaces", "\(stored)")
    }

    static func ranges(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("range")
        try await store.createBucket(bucket)
        let text = "0123456789abcdefghij"
        _ = try await store.putObject(bucket: bucket, key: "r", bytes: buffer(text))
        let cases: [(ByteRange, String, ClosedRange<Int64>)] = [
            (.closed(first: 0, last: 9), "0123456789", 0...9),
            (.closed(first: 5, last: 5), "5", 5...5),
            (.closed(first: 15, last: 100), "fghij", 15...19),
            (.from(18), "ij", 18...19),
            (.suffix(3), "hij", 17...19),
            (.suffix(50), text, 0...19),
        ]
        for (range, expected, served) in cases {
            let download = try await store.getObject(bucket: bucket, key: "r", range: range)
            #expect(download.range == served, "\(range)")
            #expect(download.info.size == 20)
            #expect(string(try await download.body.collect(upTo: 1 << 20)) == expected, "\(range)")
        }
        for bad in [ByteRange.from(20), .closed(first: 25, last: 30)] {
            let error = await storeError { _ = try await store.getObject(bucket: bucket, key: "r", range: bad) }
            #expect(error?.s3Code == "InvalidRange", "\(bad)")
        }
    }

    /// ~40 MiB streamed in and out; on S3 this goes up in 16 MiB parts.
    static func largeStreamingObject(_ store: some ObjectStore, multipart: Bool) async throws {
        let bucket = uniqueBucket("large")
        try await store.createBucket(bucket)
        let body = GeneratedBody(size: 40 << 20 | 12345, seed: 7)
        let expected = await body.digests()
        let put = try await store.putObject(bucket: bucket, key: "big/blob.bin", body: body)
        #expect(put.size == Int64(body.size))
        if multipart {
            #expect(put.etag.hasSuffix("-3"))
        } else {
            #expect(put.etag == expected.md5)
        }
        let download = try await store.getObject(bucket: bucket, key: "big/blob.bin", range: nil)
        #expect(download.info.size == Int64(body.size))
        let got = try await digest(of: download.body)
        #expect(got.length == body.size)
        #expect(got.sha256 == expected.sha256)
        // A range across the middle streams only its bytes.
        let middle = try await store.getObject(bucket: bucket, key: "big/blob.bin", range: .closed(first: 20 << 20, last: (24 << 20) - 1))
        #expect(try await digest(of: middle.body).length == 4 << 20)
        try await store.deleteObject(bucket: bucket, key: "big/blob.bin")
    }

    static func listing(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("list")
        try await store.createBucket(bucket)
        var keys: [String] = []
        for i in 0..<240 { keys.append("data/part-\(i % 6)/file-\(String(format: "%04d", i)).csv") }
        keys += ["data/readme", "data-2", "data0", "a-b", "a/b", "a0", "é", "z", "data/part-1/file-0001.csv.bak", "data/x/"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                group.addTask { _ = try await store.putObject(bucket: bucket, key: key, bytes: buffer("\(index)")) }
                if index % 16 == 15 { try await group.next() }
            }
            try await group.waitForAll()
        }
        let sorted = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }

        // Full pagination: every key once, in UTF-8 byte order.
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(continuationToken: token, maxKeys: 37))
            pages += 1
            #expect(page.objects.count <= 37)
            seen += page.objects.map(\.key)
            token = page.nextContinuationToken
            #expect(page.isTruncated == (token != nil))
        } while token != nil
        #expect(seen == sorted)
        #expect(pages == (sorted.count + 36) / 37)

        // Delimiter: objects at the top plus one common prefix per folder.
        let top = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(delimiter: "/"))
        #expect(top.commonPrefixes == ["a/", "data/"])
        #expect(top.objects.map(\.key) == ["a-b", "a0", "data-2", "data0", "z", "é"])
        #expect(!top.isTruncated)

        let parts = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(prefix: "data/", delimiter: "/"))
        #expect(parts.commonPrefixes == ["data/part-0/", "data/part-1/", "data/part-2/", "data/part-3/", "data/part-4/", "data/part-5/", "data/x/"])
        #expect(parts.objects.map(\.key) == ["data/readme"])

        // Common prefixes count toward max-keys and pagination never repeats one.
        var prefixes: [String] = []
        var objects: [String] = []
        token = nil
        repeat {
            let page = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(prefix: "data/", delimiter: "/", continuationToken: token, maxKeys: 2))
            #expect(page.objects.count + page.commonPrefixes.count <= 2)
            prefixes += page.commonPrefixes
            objects += page.objects.map(\.key)
            token = page.nextContinuationToken
        } while token != nil
        #expect(prefixes == parts.commonPrefixes)
        #expect(objects == ["data/readme"])

        // Prefix, start-after, and a prefix that is not a folder boundary.
        let partOne = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(prefix: "data/part-1/"))
        #expect(partOne.objects.count == 41)
        let after = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(prefix: "data/part-1/", startAfter: "data/part-1/file-0200.csv"))
        #expect(after.objects.map(\.key) == sorted.filter { $0.hasPrefix("data/part-1/") && $0.utf8.lexicographicallyPrecedes("data/part-1/file-0200.csv".utf8) == false && $0 != "data/part-1/file-0200.csv" })
        let partial = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(prefix: "dat", delimiter: "/"))
        #expect(partial.commonPrefixes == ["data/"])
        #expect(partial.objects.map(\.key) == ["data-2", "data0"])
        let none = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(prefix: "nothing/"))
        #expect(none.objects.isEmpty && none.commonPrefixes.isEmpty && !none.isTruncated)
        let first = try await store.listObjects(bucket: bucket, request: ListObjectsRequest(maxKeys: 1))
        #expect(first.objects.map(\.key) == [sorted[0]])
        #expect(first.objects[0].etag == md5Hex(Array(String(keys.firstIndex(of: sorted[0])!).utf8)))
    }

    static func copy(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("copy")
        let other = uniqueBucket("copy2")
        try await store.createBucket(bucket)
        try await store.createBucket(other)
        let options = PutOptions(contentType: "application/json", metadata: ["a": "1"])
        let source = try await store.putObject(bucket: bucket, key: "src.json", bytes: buffer("{\"x\":1}"), options: options)
        let copied = try await store.copyObject(
            from: ObjectLocation(bucket: bucket, key: "src.json"), to: ObjectLocation(bucket: other, key: "dst/copy.json"), metadata: .copy)
        #expect(copied.etag == source.etag)
        let head = try await store.headObject(bucket: other, key: "dst/copy.json")
        #expect(head.contentType == "application/json")
        #expect(head.metadata == ["a": "1"])
        #expect(string(try await store.getObjectBytes(bucket: other, key: "dst/copy.json")) == "{\"x\":1}")
        _ = try await store.copyObject(
            from: ObjectLocation(bucket: bucket, key: "src.json"), to: ObjectLocation(bucket: bucket, key: "src.json"),
            metadata: .replace(PutOptions(contentType: "text/plain", metadata: ["b": "2"])))
        let replaced = try await store.headObject(bucket: bucket, key: "src.json")
        #expect(replaced.contentType == "text/plain")
        #expect(replaced.metadata == ["b": "2"])
        let missing = await storeError {
            _ = try await store.copyObject(from: ObjectLocation(bucket: bucket, key: "nope"), to: ObjectLocation(bucket: bucket, key: "x"), metadata: .copy)
        }
        #expect(missing == .noSuchKey(bucket: bucket, key: "nope"))
    }

    static func multipart(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("multi")
        try await store.createBucket(bucket)
        let key = "uploads/model.bin"
        let id = try await store.createMultipartUpload(bucket: bucket, key: key, options: PutOptions(contentType: "application/x-model", metadata: ["stage": "dev"]))
        let first = GeneratedBody(size: 5 << 20, seed: 11)
        let second = GeneratedBody(size: 1000, seed: 12)
        let p2 = try await store.uploadPart(bucket: bucket, key: key, uploadId: id, partNumber: 2, body: second)
        let p1 = try await store.uploadPart(bucket: bucket, key: key, uploadId: id, partNumber: 1, body: first)
        #expect(p1.etag == (await first.digests()).md5)
        #expect(p1.size == 5 << 20)
        let listed = try await store.listParts(bucket: bucket, key: key, uploadId: id)
        #expect(listed.map(\.partNumber) == [1, 2])
        #expect(listed.map(\.etag) == [p1.etag, p2.etag])
        let uploads = try await store.listMultipartUploads(bucket: bucket, prefix: "uploads/")
        #expect(uploads.contains { $0.uploadId == id && $0.key == key })
        #expect(try await store.listMultipartUploads(bucket: bucket, prefix: "other/").isEmpty)
        // The object is not visible before completion.
        #expect(await storeError { _ = try await store.headObject(bucket: bucket, key: key) } == .noSuchKey(bucket: bucket, key: key))

        let wrongTag = await storeError {
            _ = try await store.completeMultipartUpload(bucket: bucket, key: key, uploadId: id, parts: [
                CompletedPart(partNumber: 1, etag: p1.etag), CompletedPart(partNumber: 2, etag: String(repeating: "0", count: 32)),
            ])
        }
        #expect(wrongTag?.s3Code == "InvalidPart")
        let missingPart = await storeError {
            _ = try await store.completeMultipartUpload(bucket: bucket, key: key, uploadId: id, parts: [
                CompletedPart(partNumber: 1, etag: p1.etag), CompletedPart(partNumber: 3, etag: p2.etag),
            ])
        }
        #expect(missingPart?.s3Code == "InvalidPart")
        let order = await storeError {
            _ = try await store.completeMultipartUpload(bucket: bucket, key: key, uploadId: id, parts: [
                CompletedPart(partNumber: 2, etag: p2.etag), CompletedPart(partNumber: 1, etag: p1.etag),
            ])
        }
        #expect(order?.s3Code == "InvalidPartOrder")

        let done = try await store.completeMultipartUpload(bucket: bucket, key: key, uploadId: id, parts: [
            CompletedPart(partNumber: 1, etag: "\"\(p1.etag)\""), CompletedPart(partNumber: 2, etag: p2.etag),
        ])
        let md5s = [p1.etag, p2.etag].flatMap { tag in stride(from: 0, to: 32, by: 2).map { UInt8(tag.dropFirst($0).prefix(2), radix: 16)! } }
        #expect(done.etag == "\(md5Hex(md5s))-2")
        #expect(done.size == 5 << 20 + 1000)
        let head = try await store.headObject(bucket: bucket, key: key)
        #expect(head.etag == done.etag)
        #expect(head.contentType == "application/x-model")
        #expect(head.metadata == ["stage": "dev"])
        var whole = SHA256()
        for body in [first, second] {
            for await chunk in body { chunk.withUnsafeReadableBytes { whole.update(bufferPointer: $0) } }
        }
        let download = try await store.getObject(bucket: bucket, key: key, range: nil)
        #expect(try await digest(of: download.body).sha256 == hex(whole.finalize()))
        #expect(await storeError { _ = try await store.listParts(bucket: bucket, key: key, uploadId: id) }?.s3Code == "NoSuchUpload")

        // Abort: parts vanish and the id is gone.
        let aborted = try await store.createMultipartUpload(bucket: bucket, key: "tmp/x", options: PutOptions())
        _ = try await store.uploadPart(bucket: bucket, key: "tmp/x", uploadId: aborted, partNumber: 1, body: SingleBuffer(buffer("abc")))
        try await store.abortMultipartUpload(bucket: bucket, key: "tmp/x", uploadId: aborted)
        #expect(await storeError { _ = try await store.listParts(bucket: bucket, key: "tmp/x", uploadId: aborted) }?.s3Code == "NoSuchUpload")
        #expect(try await !store.listMultipartUploads(bucket: bucket, prefix: "").contains { $0.uploadId == aborted })

        // A part under 5 MiB that is not the last is refused.
        let small = try await store.createMultipartUpload(bucket: bucket, key: "small", options: PutOptions())
        let s1 = try await store.uploadPart(bucket: bucket, key: "small", uploadId: small, partNumber: 1, body: SingleBuffer(buffer("tiny")))
        let s2 = try await store.uploadPart(bucket: bucket, key: "small", uploadId: small, partNumber: 2, body: SingleBuffer(buffer("tail")))
        let tooSmall = await storeError {
            _ = try await store.completeMultipartUpload(bucket: bucket, key: "small", uploadId: small, parts: [
                CompletedPart(partNumber: 1, etag: s1.etag), CompletedPart(partNumber: 2, etag: s2.etag),
            ])
        }
        #expect(tooSmall?.s3Code == "EntityTooSmall")
        try await store.abortMultipartUpload(bucket: bucket, key: "small", uploadId: small)
    }

    /// Writers racing on one key: the result is always exactly one writer's complete object.
    static func concurrentWriters(_ store: some ObjectStore) async throws {
        let bucket = uniqueBucket("race")
        try await store.createBucket(bucket)
        let size = 1 << 20
        let writers = 8
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let body = ByteBuffer(repeating: UInt8(writer), count: size)
                    _ = try await store.putObject(bucket: bucket, key: "shared/key", bytes: body, options: PutOptions(metadata: ["writer": String(writer)]))
                }
            }
            // Readers during the race never see a torn object.
            group.addTask {
                for _ in 0..<10 {
                    guard let bytes = try? await store.getObjectBytes(bucket: bucket, key: "shared/key") else { continue }
                    #expect(bytes.readableBytes == size)
                    #expect(isUniform(bytes))
                }
            }
            try await group.waitForAll()
        }
        let download = try await store.getObject(bucket: bucket, key: "shared/key", range: nil)
        let bytes = try await download.body.collect(upTo: 2 << 20)
        #expect(bytes.readableBytes == size)
        #expect(isUniform(bytes))
        let writer = Int(bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)!)
        #expect(download.info.metadata["writer"] == String(writer))
        #expect(download.info.etag == md5Hex([UInt8](repeating: UInt8(writer), count: size)))
    }

    /// Whether every byte equals the first (one writer's object, not a mix), compared with memcmp.
    static func isUniform(_ bytes: ByteBuffer) -> Bool {
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return true }
        return bytes == ByteBuffer(repeating: first, count: bytes.readableBytes)
    }
}
