import Crypto
import Foundation
import NIOCore

/// Tags pass through to the backend's `?tagging`; a shared-bucket layout keeps a Wharf bucket's
/// tags on its marker object.
extension S3ObjectStore {
    static func taggingDocument(_ tags: [String: String]) -> ByteBuffer {
        var xml = "<Tagging><TagSet>"
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            xml += "<Tag><Key>\(S3XML.escape(key))</Key><Value>\(S3XML.escape(value))</Value></Tag>"
        }
        return ByteBuffer(string: xml + "</TagSet></Tagging>")
    }

    static func tags(in document: S3XML) -> [String: String] {
        var tags: [String: String] = [:]
        for tag in document.child("TagSet")?.children("Tag") ?? [] {
            if let key = tag.value("Key") { tags[key] = tag.value("Value") ?? "" }
        }
        return tags
    }

    /// `x-amz-tagging` for a put: the tags as a URL query.
    static func taggingHeader(_ tags: [String: String]) -> [(name: String, value: String)] {
        guard !tags.isEmpty else { return [] }
        let query = tags.sorted(by: { $0.key < $1.key })
            .map { SigV4.uriEncode($0.key, encodeSlash: true) + "=" + SigV4.uriEncode($0.value, encodeSlash: true) }
            .joined(separator: "&")
        return [("x-amz-tagging", query)]
    }

    func putTagging(_ target: S3Target, tags: [String: String], bucket: String, key: String?) async throws {
        let body = Self.taggingDocument(tags)
        let md5 = body.withUnsafeReadableBytes { Data(Insecure.MD5.hash(data: $0)).base64EncodedString() }
        let response = try await send(.PUT, target, query: [("tagging", "")], headers: [("content-md5", md5)], body: body)
        guard response.status == .ok || response.status == .noContent else { throw failure(response, bucket: bucket, key: key) }
    }

    func getTagging(_ target: S3Target, bucket: String, key: String?) async throws -> S3ObjectStore.Response {
        try await send(.GET, target, query: [("tagging", "")])
    }

    public func objectTags(bucket: String, key: String) async throws -> [String: String] {
        try ObjectKey.validate(key)
        let response = try await getTagging(configuration.object(bucket, key), bucket: bucket, key: key)
        guard response.status == .ok else {
            if response.status == .notFound { try await requireBucket(bucket) }
            throw failure(response, bucket: bucket, key: key)
        }
        return Self.tags(in: try S3XML.parse(Array(response.body.readableBytesView)))
    }

    public func putObjectTags(bucket: String, key: String, tags: [String: String]) async throws {
        try ObjectKey.validate(key)
        try PutOptions.validate(tags: tags, limit: 10)
        try await requireBucket(bucket)
        let target = configuration.object(bucket, key)
        if tags.isEmpty {
            let response = try await send(.DELETE, target, query: [("tagging", "")])
            guard response.status == .noContent || response.status == .ok else { throw failure(response, bucket: bucket, key: key) }
            return
        }
        try await putTagging(target, tags: tags, bucket: bucket, key: key)
    }

    func bucketTagTarget(_ bucket: String) -> S3Target {
        bucketMarker(bucket) ?? S3Target(bucket: configuration.objectBase(bucket).bucket, key: nil)
    }

    public func bucketTags(_ bucket: String) async throws -> [String: String]? {
        try await requireBucket(bucket)
        let response = try await getTagging(bucketTagTarget(bucket), bucket: bucket, key: nil)
        if response.status == .notFound {
            let code = (try? S3XML.parse(Array(response.body.readableBytesView)))?.value("Code")
            if code == "NoSuchTagSet" || code == nil { return nil }
        }
        guard response.status == .ok else { throw failure(response, bucket: bucket) }
        let tags = Self.tags(in: try S3XML.parse(Array(response.body.readableBytesView)))
        // A marker object without tags answers an empty set; a bucket's is then absent.
        return tags.isEmpty ? nil : tags
    }

    public func putBucketTags(_ bucket: String, tags: [String: String]?) async throws {
        if let tags { try PutOptions.validate(tags: tags, limit: 50) }
        try await requireBucket(bucket)
        let target = bucketTagTarget(bucket)
        guard let tags, !tags.isEmpty else {
            let response = try await send(.DELETE, target, query: [("tagging", "")])
            guard response.status == .noContent || response.status == .ok else { throw failure(response, bucket: bucket) }
            return
        }
        try await putTagging(target, tags: tags, bucket: bucket, key: nil)
    }
}
