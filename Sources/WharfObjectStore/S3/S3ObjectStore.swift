import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// An `ObjectStore` over any S3-compatible service, with every request SigV4-signed; see
/// `S3Configuration.Layout` for how Wharf buckets map onto real buckets.
public final class S3ObjectStore: ObjectStore {
    public let configuration: S3Configuration
    let client: HTTPClient
    let logger: Logger
    let signer: SigV4Signer
    /// Deadline of one attempt; a 16 MiB part must fit in it on a slow link.
    let requestTimeout: TimeAmount = .seconds(120)

    /// The process-wide client S3 stores use unless given one: `HTTPClient.shared`'s settings without
    /// response decompression, so an object stored with `Content-Encoding: gzip` is read back as the
    /// bytes stored (the shared client would inflate it, and fail on a HEAD's missing body).
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Uses `client` when given (its owner shuts it down), else `sharedClient`.
    public init(configuration: S3Configuration, client: HTTPClient = S3ObjectStore.sharedClient, logger: Logger = Logger(label: "wharf.objectstore.s3")) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
    }

    // MARK: requests

    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    func signedRequest(
        method: HTTPMethod, target: S3Target, query: [(name: String, value: String)], headers: [(name: String, value: String)], body: ByteBuffer?
    ) -> HTTPClientRequest {
        let rawQuery = SigV4.canonicalQuery(query)
        let host = configuration.hostHeader(bucket: target.bucket)
        let path = configuration.path(target)
        var signing = SigV4Request(method: method.rawValue, path: path, query: rawQuery, headers: [("host", host)] + headers)
        let payloadHash = body.map { buffer in buffer.withUnsafeReadableBytes { SHA256.hash(data: $0).hexString } } ?? SigV4.emptyPayloadHash
        signer.sign(&signing, payloadHash: payloadHash)
        var request = HTTPClientRequest(url: "\(configuration.scheme)://\(host)\(path)\(rawQuery.isEmpty ? "" : "?" + rawQuery)")
        request.method = method
        for (name, value) in signing.headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(body)
        } else if method == .PUT || method == .POST {
            request.headers.replaceOrAdd(name: "content-length", value: "0")
        }
        return request
    }

    /// Sends a request with a body held in memory, retrying 5xx answers and connection errors
    /// with exponential backoff; returns the whole answer (S3's answers to these are small).
    func send(
        _ method: HTTPMethod, _ target: S3Target, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
        body: ByteBuffer? = nil, responseLimit: Int = 32 << 20, timeout: TimeAmount? = nil
    ) async throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let request = signedRequest(method: method, target: target, query: query, headers: headers, body: body)
                let response = try await client.execute(request, timeout: timeout ?? requestTimeout, logger: logger)
                let bytes = try await response.body.collect(upTo: responseLimit)
                if response.status.code >= 500 && attempt < configuration.maximumAttempts {
                    try await backoff(attempt)
                    continue
                }
                return Response(status: response.status, headers: response.headers, body: bytes)
            } catch let error where Self.isRetryable(error) && attempt < configuration.maximumAttempts {
                logger.debug("retrying S3 request", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try await backoff(attempt)
            }
        }
    }

    static func isRetryable(_ error: Error) -> Bool {
        if error is CancellationError || error is ObjectStoreError { return false }
        if let httpError = error as? HTTPClientError, httpError == .deadlineExceeded || httpError == .cancelled { return false }
        return true
    }

    func backoff(_ attempt: Int) async throws {
        let base = 100_000_000 * (1 << min(attempt - 1, 6))
        try await Task.sleep(nanoseconds: UInt64(base + Int.random(in: 0..<(base / 2 + 1))))
    }

    /// Turns an S3 error answer into an `ObjectStoreError`.
    func failure(_ response: Response, bucket: String, key: String? = nil, uploadId: String? = nil) -> ObjectStoreError {
        let document = try? S3XML.parse(Array(response.body.readableBytesView))
        let code = document?.value("Code") ?? ""
        let message = document?.value("Message") ?? ""
        switch code {
        case "NoSuchKey": return .noSuchKey(bucket: bucket, key: key ?? "")
        case "NoSuchBucket": return .noSuchBucket(bucket)
        case "BucketNotEmpty": return .bucketNotEmpty(bucket)
        case "BucketAlreadyOwnedByYou", "BucketAlreadyExists": return .bucketAlreadyOwnedByYou(bucket)
        case "NoSuchUpload": return .noSuchUpload(uploadId ?? "")
        case "InvalidPart": return .invalidPart(partNumber: 0, reason: message)
        case "InvalidPartOrder": return .invalidPartOrder(message)
        case "EntityTooSmall": return .entityTooSmall(partNumber: 0, size: 0)
        case "InvalidRange": return .invalidRange(message, size: 0)
        case "PreconditionFailed": return .preconditionFailed(message)
        default:
            if response.status == .notFound && key != nil && code.isEmpty { return .noSuchKey(bucket: bucket, key: key!) }
            let detail = code.isEmpty ? String(buffer: response.body).prefix(300) : "\(code): \(message)"
            return .backend("S3 answered \(response.status.code) to \(key ?? "a bucket request"): \(detail)")
        }
    }

    // MARK: objects

    /// The user metadata entry that carries a verified checksum to the backend (hidden from readers).
    static let checksumMetadata = "wharf-checksum"

    static func metadataHeaders(_ options: PutOptions, checksum: StoredChecksum? = nil) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("content-type", options.contentType ?? "application/octet-stream")]
        for (name, value) in options.metadata.sorted(by: { $0.key < $1.key }) {
            headers.append(("x-amz-meta-\(name.lowercased())", MetadataText.headerValue(value)))
        }
        for (name, value) in options.headers.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }
        headers += Self.taggingHeader(options.tags)
        if let checksum { headers.append(("x-amz-meta-\(checksumMetadata)", "\(checksum.algorithm.rawValue) \(checksum.value)")) }
        return headers
    }

    static func conditionHeaders(_ condition: WriteCondition?) -> [(name: String, value: String)] {
        switch condition {
        case .absent?: [("if-none-match", "*")]
        case .etagMatches(let tags)?: [("if-match", tags.map { $0 == "*" ? $0 : "\"\(unquote($0))\"" }.joined(separator: ", "))]
        case nil: []
        }
    }

    /// Checks a whole body held in memory against `integrity`; returns the checksum to keep.
    static func verify(_ bytes: ByteBuffer, _ integrity: Integrity) throws -> StoredChecksum? {
        var checksum = integrity.algorithm.map(ObjectChecksum.init)
        var md5: [UInt8]?
        bytes.withUnsafeReadableBytes { raw in
            checksum?.update(raw)
            if integrity.contentMD5 != nil { md5 = Array(Insecure.MD5.hash(data: raw)) }
        }
        return try integrity.verify(md5: md5, checksum: checksum)
    }

    static func etag(_ headers: HTTPHeaders) -> String {
        headers.first(name: "etag").map(unquote) ?? ""
    }

    static func unquote(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    /// Streams `body` up: one PUT when it ends within the first part, else a multipart upload
    /// with up to two parts in flight while the next one fills (memory: about three parts).
    public func putObject<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, body: Body, options: PutOptions
    ) async throws -> PutResult where Body.Element == ByteBuffer {
        try ObjectKey.validate(key)
        try options.validate()
        try await requireBucket(bucket)
        let target = configuration.object(bucket, key)
        let partSize = configuration.partSize
        var uploadId: String?
        var streamed = options.integrity.map { StreamDigests($0) }
        do {
            return try await withThrowingTaskGroup(of: PartInfo.self) { group in
                var pending = ByteBuffer()
                var parts: [CompletedPart] = []
                var size: Int64 = 0
                var inFlight = 0
                var nextPart = 1
                func start(_ bytes: ByteBuffer) async throws {
                    if uploadId == nil { uploadId = try await createMultipartUpload(bucket: bucket, key: key, options: options) }
                    if inFlight == 2, let done = try await group.next() {
                        parts.append(CompletedPart(partNumber: done.partNumber, etag: done.etag))
                        inFlight -= 1
                    }
                    let id = uploadId!, number = nextPart
                    nextPart += 1
                    group.addTask { try await self.sendPart(target, bucket: bucket, uploadId: id, partNumber: number, bytes: bytes) }
                    inFlight += 1
                }
                for try await var chunk in body {
                    size += Int64(chunk.readableBytes)
                    if streamed != nil { chunk.withUnsafeReadableBytes { streamed!.update($0) } }
                    pending.writeBuffer(&chunk)
                    while pending.readableBytes >= partSize {
                        try await start(pending.readSlice(length: partSize)!)
                        pending.discardReadBytes()
                    }
                }
                guard let id = uploadId else {
                    let checksum = try options.integrity.flatMap { try Self.verify(pending, $0) }
                    let response = try await send(
                        .PUT, target, headers: Self.metadataHeaders(options, checksum: checksum) + Self.conditionHeaders(options.condition),
                        body: pending)
                    guard response.status == .ok else { throw failure(response, bucket: bucket, key: key) }
                    return PutResult(size: size, etag: Self.etag(response.headers), lastModified: Date())
                }
                if pending.readableBytes > 0 { try await start(pending) }
                for try await done in group { parts.append(CompletedPart(partNumber: done.partNumber, etag: done.etag)) }
                parts.sort { $0.partNumber < $1.partNumber }
                // A body too big for one PUT is verified as it streams; a mismatch aborts the upload.
                if let integrity = options.integrity { _ = try integrity.verify(md5: streamed?.md5, checksum: streamed?.checksum) }
                var result = try await completeMultipartUpload(bucket: bucket, key: key, uploadId: id, parts: parts, condition: options.condition)
                result.size = size
                return result
            }
        } catch {
            if let uploadId { try? await abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId) }
            throw error
        }
    }

    public func getObject(bucket: String, key: String, range: ByteRange?) async throws -> ObjectDownload {
        try ObjectKey.validate(key)
        let target = configuration.object(bucket, key)
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", range.description)) }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let request = signedRequest(method: .GET, target: target, query: [], headers: headers, body: nil)
                let response = try await client.execute(request, timeout: requestTimeout, logger: logger)
                if response.status == .ok || response.status == .partialContent {
                    var info = Self.info(key: key, headers: response.headers)
                    let served: ClosedRange<Int64>?
                    if response.status == .partialContent, let contentRange = response.headers.first(name: "content-range"),
                        let parsed = Self.parseContentRange(contentRange)
                    {
                        served = parsed.range
                        info.size = parsed.total
                    } else {
                        served = info.size > 0 ? 0...(info.size - 1) : nil
                    }
                    return ObjectDownload(info: info, range: served, body: ObjectBody(response.body))
                }
                let bytes = try await response.body.collect(upTo: 1 << 20)
                let answer = Response(status: response.status, headers: response.headers, body: bytes)
                if response.status.code >= 500 && attempt < configuration.maximumAttempts {
                    try await backoff(attempt)
                    continue
                }
                if response.status == .rangeNotSatisfiable {
                    let size = try await headObject(bucket: bucket, key: key).size
                    throw ObjectStoreError.invalidRange(range?.description ?? "", size: size)
                }
                if response.status == .notFound { try await requireBucket(bucket) }
                throw failure(answer, bucket: bucket, key: key)
            } catch let error where Self.isRetryable(error) && attempt < configuration.maximumAttempts {
                try await backoff(attempt)
            }
        }
    }

    /// `bytes first-last/total`
    static func parseContentRange(_ text: String) -> (range: ClosedRange<Int64>, total: Int64)? {
        let parts = text.replacingOccurrences(of: "bytes ", with: "").split(separator: "/")
        guard parts.count == 2, let total = Int64(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-")
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last else { return nil }
        return (first...last, total)
    }

    static func info(key: String, headers: HTTPHeaders) -> ObjectInfo {
        var metadata: [String: String] = [:]
        var checksum: StoredChecksum?
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            let field = String(name.lowercased().dropFirst("x-amz-meta-".count))
            if field == checksumMetadata {
                let parts = value.split(separator: " ")
                if parts.count == 2, let algorithm = ChecksumAlgorithm(rawValue: String(parts[0])) {
                    checksum = StoredChecksum(algorithm: algorithm, value: String(parts[1]))
                }
                continue
            }
            metadata[field] = MetadataText.decode(value)
        }
        var stored: [String: String] = [:]
        for name in PutOptions.storedHeaderNames {
            if let value = headers.first(name: name) { stored[name] = value }
        }
        return ObjectInfo(
            key: key, size: headers.first(name: "content-length").flatMap { Int64($0) } ?? 0,
            etag: etag(headers), contentType: headers.first(name: "content-type") ?? "application/octet-stream",
            metadata: metadata, lastModified: headers.first(name: "last-modified").flatMap(HTTPDate.parse) ?? Date(),
            headers: stored, checksum: checksum, tagCount: headers.first(name: "x-amz-tagging-count").flatMap { Int($0) } ?? 0)
    }

    public func headObject(bucket: String, key: String) async throws -> ObjectInfo {
        try ObjectKey.validate(key)
        let response = try await send(.HEAD, configuration.object(bucket, key))
        guard response.status == .ok else {
            if response.status == .notFound {
                try await requireBucket(bucket)
                throw ObjectStoreError.noSuchKey(bucket: bucket, key: key)
            }
            throw failure(response, bucket: bucket, key: key)
        }
        return Self.info(key: key, headers: response.headers)
    }

    public func deleteObject(bucket: String, key: String) async throws {
        try ObjectKey.validate(key)
        try await requireBucket(bucket)
        let response = try await send(.DELETE, configuration.object(bucket, key))
        guard response.status == .noContent || response.status == .ok || response.status == .notFound else {
            throw failure(response, bucket: bucket, key: key)
        }
    }

    public func copyObject(
        from source: ObjectLocation, to destination: ObjectLocation, metadata: MetadataDirective
    ) async throws -> PutResult {
        try ObjectKey.validate(source.key)
        try ObjectKey.validate(destination.key)
        if case .replace(let options) = metadata { try options.validate() }
        try await requireBucket(destination.bucket)
        let sourceTarget = configuration.object(source.bucket, source.key)
        var headers: [(name: String, value: String)] = [
            ("x-amz-copy-source", SigV4.uriEncode("\(sourceTarget.bucket!)/\(sourceTarget.key!)", encodeSlash: false))
        ]
        switch metadata {
        case .copy:
            headers.append(("x-amz-metadata-directive", "COPY"))
        case .replace(let options):
            headers.append(("x-amz-metadata-directive", "REPLACE"))
            headers += Self.metadataHeaders(options)
        }
        let response = try await send(.PUT, configuration.object(destination.bucket, destination.key), headers: headers)
        let document = try? S3XML.parse(Array(response.body.readableBytesView))
        guard response.status == .ok, let document, document.name != "Error" else {
            if response.status == .notFound {
                try await requireBucket(source.bucket)
                throw ObjectStoreError.noSuchKey(bucket: source.bucket, key: source.key)
            }
            throw failure(response, bucket: source.bucket, key: source.key)
        }
        let size = try await headObject(bucket: destination.bucket, key: destination.key).size
        return PutResult(
            size: size, etag: Self.unquote(document.value("ETag") ?? ""),
            lastModified: document.value("LastModified").flatMap(HTTPDate.parseISO8601) ?? Date())
    }

    public func listObjects(bucket: String, request: ListObjectsRequest) async throws -> ObjectListing {
        guard request.maxKeys >= 0 else { throw ObjectStoreError.invalidArgument(field: "max-keys", reason: "must not be negative") }
        try await requireBucket(bucket)
        let (realBucket, base) = configuration.objectBase(bucket)
        guard request.maxKeys > 0 else {
            return ObjectListing(objects: [], commonPrefixes: [], isTruncated: false, nextContinuationToken: nil, lastEntry: nil)
        }
        let delimiter = request.delimiter.flatMap { $0.isEmpty ? nil : $0 }
        let startAfter = request.startAfter.flatMap { $0.isEmpty ? nil : base + $0 }
        var page = try await listRaw(
            bucket: realBucket, wharfBucket: bucket, prefix: base + request.prefix, delimiter: delimiter,
            startAfter: startAfter, token: request.continuationToken, maxKeys: min(request.maxKeys, 1000))
        // A start naming a common prefix (v1's NextMarker) has reported it already; a backend that
        // lists it again would make a paginating client loop forever.
        if request.continuationToken == nil, delimiter != nil, let startAfter {
            while true {
                page.commonPrefixes.removeAll { !startAfter.utf8.lexicographicallyPrecedes($0.utf8) }
                guard page.objects.isEmpty, page.commonPrefixes.isEmpty, page.isTruncated, let token = page.nextContinuationToken else { break }
                page = try await listRaw(
                    bucket: realBucket, wharfBucket: bucket, prefix: base + request.prefix, delimiter: delimiter,
                    startAfter: nil, token: token, maxKeys: min(request.maxKeys, 1000))
            }
        }
        page.objects = page.objects.map { var o = $0; o.key = String(o.key.dropFirst(base.count)); return o }
        page.commonPrefixes = page.commonPrefixes.map { String($0.dropFirst(base.count)) }
        let lastObject = page.objects.last?.key
        let lastPrefix = page.commonPrefixes.last
        switch (lastObject, lastPrefix) {
        case (let o?, let p?): page.lastEntry = o.utf8.lexicographicallyPrecedes(p.utf8) ? p : o
        default: page.lastEntry = lastObject ?? lastPrefix
        }
        return page
    }

    /// ListObjectsV2 on real keys.
    func listRaw(
        bucket: String, wharfBucket: String, prefix: String, delimiter: String?, startAfter: String?, token: String?, maxKeys: Int
    ) async throws -> ObjectListing {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        if let token { query.append(("continuation-token", token)) }
        let response = try await send(.GET, S3Target(bucket: bucket, key: nil), query: query)
        guard response.status == .ok else {
            if response.status == .badRequest, token != nil {
                throw ObjectStoreError.invalidArgument(field: "continuation-token", reason: "the backend rejected the token")
            }
            throw failure(response, bucket: wharfBucket)
        }
        let document = try S3XML.parse(Array(response.body.readableBytesView))
        let objects = document.children("Contents").map { item in
            ObjectSummary(
                key: item.value("Key") ?? "", size: item.value("Size").flatMap { Int64($0) } ?? 0,
                etag: Self.unquote(item.value("ETag") ?? ""),
                lastModified: item.value("LastModified").flatMap(HTTPDate.parseISO8601) ?? Date())
        }
        let prefixes = document.children("CommonPrefixes").compactMap { $0.value("Prefix") }
        let truncated = document.value("IsTruncated") == "true"
        return ObjectListing(
            objects: objects, commonPrefixes: prefixes, isTruncated: truncated,
            nextContinuationToken: truncated ? document.value("NextContinuationToken") : nil, lastEntry: nil)
    }
}

/// MD5 and checksum of a body as it streams through, for bodies verified after the fact.
struct StreamDigests {
    var md5Hasher: Insecure.MD5?
    var checksum: ObjectChecksum?

    init(_ integrity: Integrity) {
        md5Hasher = integrity.contentMD5 == nil ? nil : Insecure.MD5()
        checksum = integrity.algorithm.map(ObjectChecksum.init)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        md5Hasher?.update(bufferPointer: bytes)
        checksum?.update(bytes)
    }

    var md5: [UInt8]? { md5Hasher.map { Array($0.finalize()) } }
}
