import Foundation
import NIOCore

extension S3ObjectStore {
    /// Throws `.noSuchBucket` unless the Wharf bucket exists. With one real bucket per Wharf
    /// bucket S3 answers NoSuchBucket itself, so no extra request is made.
    func requireBucket(_ bucket: String) async throws {
        try BucketName.validate(bucket)
        guard case .sharedBucket = configuration.layout else { return }
        guard try await bucketExists(bucket) else { throw ObjectStoreError.noSuchBucket(bucket) }
    }

    /// One request with a short deadline (HEAD of the shared bucket, or ListBuckets): the HTTP
    /// client keeps retrying a refused connection until the deadline, and a readiness probe
    /// must answer quickly.
    public func checkHealth() async throws {
        let target: S3Target
        switch configuration.layout {
        case .sharedBucket(let bucket, _): target = S3Target(bucket: bucket, key: nil)
        case .bucketPerBucket: target = S3Target(bucket: nil, key: nil)
        }
        let response = try await send(target.bucket == nil ? .GET : .HEAD, target, timeout: .seconds(2))
        guard response.status == .ok else {
            throw ObjectStoreError.backend("S3 endpoint \(configuration.host) answered \(response.status.code) to a health check")
        }
    }

    func createRealBucket(_ name: String, wharfName: String) async throws {
        var body: ByteBuffer?
        if configuration.region != "us-east-1" {
            body = ByteBuffer(string: "<CreateBucketConfiguration><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>")
        }
        let response = try await send(.PUT, S3Target(bucket: name, key: nil), body: body ?? ByteBuffer())
        guard response.status == .ok else { throw failure(response, bucket: wharfName) }
    }

    /// Creates the shared real bucket when it does not exist yet (tests, first start-up).
    public func createBackingBucketIfNeeded() async throws {
        guard case .sharedBucket(let bucket, _) = configuration.layout else { return }
        if try await send(.HEAD, S3Target(bucket: bucket, key: nil)).status == .ok { return }
        do {
            try await createRealBucket(bucket, wharfName: bucket)
        } catch ObjectStoreError.bucketAlreadyOwnedByYou {
            return
        }
    }

    func bucketMarker(_ bucket: String) -> S3Target? {
        guard case .sharedBucket(let real, let prefix) = configuration.layout else { return nil }
        return S3Target(bucket: real, key: "\(prefix).wharf-buckets/\(bucket)")
    }

    public func createBucket(_ bucket: String) async throws {
        try BucketName.validate(bucket)
        // S3 in us-east-1 answers 200 to re-creating one's own bucket, so ask first.
        if try await bucketExists(bucket) { throw ObjectStoreError.bucketAlreadyOwnedByYou(bucket) }
        guard let marker = bucketMarker(bucket) else {
            try await createRealBucket(configuration.objectBase(bucket).bucket, wharfName: bucket)
            return
        }
        let response = try await send(.PUT, marker, body: ByteBuffer())
        guard response.status == .ok else { throw failure(response, bucket: bucket) }
    }

    public func bucketExists(_ bucket: String) async throws -> Bool {
        try BucketName.validate(bucket)
        let target = bucketMarker(bucket) ?? S3Target(bucket: configuration.objectBase(bucket).bucket, key: nil)
        let response = try await send(.HEAD, target)
        switch response.status {
        case .ok: return true
        case .notFound: return false
        default: throw failure(response, bucket: bucket)
        }
    }

    public func deleteBucket(_ bucket: String) async throws {
        try await requireBucket(bucket)
        let (realBucket, base) = configuration.objectBase(bucket)
        let page = try await listRaw(bucket: realBucket, wharfBucket: bucket, prefix: base, delimiter: nil, startAfter: nil, token: nil, maxKeys: 1)
        if !page.objects.isEmpty { throw ObjectStoreError.bucketNotEmpty(bucket) }
        for upload in try await listMultipartUploads(bucket: bucket, prefix: "") {
            try await abortMultipartUpload(bucket: bucket, key: upload.key, uploadId: upload.uploadId)
        }
        let response = try await send(.DELETE, bucketMarker(bucket) ?? S3Target(bucket: realBucket, key: nil))
        guard response.status == .noContent || response.status == .ok else { throw failure(response, bucket: bucket) }
    }

    public func listBuckets() async throws -> [BucketInfo] {
        switch configuration.layout {
        case .sharedBucket(let real, let prefix):
            let markerPrefix = "\(prefix).wharf-buckets/"
            var buckets: [BucketInfo] = []
            var token: String?
            repeat {
                let page = try await listRaw(bucket: real, wharfBucket: real, prefix: markerPrefix, delimiter: nil, startAfter: nil, token: token, maxKeys: 1000)
                for object in page.objects {
                    let name = String(object.key.dropFirst(markerPrefix.count))
                    if BucketName.isValid(name) { buckets.append(BucketInfo(name: name, creationDate: object.lastModified)) }
                }
                token = page.isTruncated ? page.nextContinuationToken : nil
            } while token != nil
            return buckets
        case .bucketPerBucket(let namePrefix):
            let response = try await send(.GET, S3Target(bucket: nil, key: nil))
            guard response.status == .ok else { throw failure(response, bucket: "") }
            let document = try S3XML.parse(Array(response.body.readableBytesView))
            return (document.child("Buckets")?.children("Bucket") ?? []).compactMap { item in
                guard let name = item.value("Name"), name.hasPrefix(namePrefix) else { return nil }
                let wharfName = String(name.dropFirst(namePrefix.count))
                guard BucketName.isValid(wharfName) else { return nil }
                return BucketInfo(name: wharfName, creationDate: item.value("CreationDate").flatMap(HTTPDate.parseISO8601) ?? Date())
            }
            .sorted { $0.name < $1.name }
        }
    }
}

extension S3ObjectStore {
    /// A presigned URL for `method` on an object, valid for `expires` seconds (at most 7 days),
    /// for handing to clients without credentials (curl, a browser).
    public func presignedURL(method: String = "GET", bucket: String, key: String, expires: Int, date: Date = Date()) throws -> String {
        try BucketName.validate(bucket)
        try ObjectKey.validate(key)
        let target = configuration.object(bucket, key)
        return try signer.presignedURL(
            method: method, scheme: configuration.scheme, host: configuration.hostHeader(bucket: target.bucket),
            path: configuration.path(target), expires: expires, date: date)
    }
}
