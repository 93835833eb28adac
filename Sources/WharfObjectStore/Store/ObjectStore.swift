import Foundation
import NIOCore

/// The seam every byte of Wharf goes through: buckets of objects, streamed in and out.
///
/// Keys and bucket names are validated by each call (`ObjectKey`, `BucketName`); errors are
/// always `ObjectStoreError`. Bodies are `AsyncSequence`s of `ByteBuffer` chunks so a multi-GB
/// object is never held in memory.
public protocol ObjectStore: Sendable {
    /// Checks the backing storage answers (for readiness probes).
    func checkHealth() async throws

    // MARK: buckets
    func createBucket(_ bucket: String) async throws
    func bucketExists(_ bucket: String) async throws -> Bool
    /// Deletes an empty bucket; throws `.bucketNotEmpty` when objects remain.
    func deleteBucket(_ bucket: String) async throws
    func listBuckets() async throws -> [BucketInfo]

    // MARK: objects
    func putObject<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, body: Body, options: PutOptions
    ) async throws -> PutResult where Body.Element == ByteBuffer
    /// Opens an object for reading; the returned body is read once and may be dropped early.
    func getObject(bucket: String, key: String, range: ByteRange?) async throws -> ObjectDownload
    func headObject(bucket: String, key: String) async throws -> ObjectInfo
    /// Deletes an object; deleting a missing key succeeds, as in S3.
    func deleteObject(bucket: String, key: String) async throws
    func copyObject(
        from source: ObjectLocation, to destination: ObjectLocation, metadata: MetadataDirective
    ) async throws -> PutResult
    func listObjects(bucket: String, request: ListObjectsRequest) async throws -> ObjectListing

    // MARK: multipart
    func createMultipartUpload(bucket: String, key: String, options: PutOptions) async throws -> String
    /// Stores a part; `integrity` is checked before the part counts (a mismatch stores nothing).
    func uploadPart<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, uploadId: String, partNumber: Int, body: Body, integrity: Integrity?
    ) async throws -> PartInfo where Body.Element == ByteBuffer
    func listParts(bucket: String, key: String, uploadId: String) async throws -> [PartInfo]
    /// Assembles the parts onto the key, when `condition` holds for the object it replaces.
    func completeMultipartUpload(
        bucket: String, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition?
    ) async throws -> PutResult
    func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws
    func listMultipartUploads(bucket: String, prefix: String) async throws -> [MultipartUploadInfo]

    // MARK: tagging
    func objectTags(bucket: String, key: String) async throws -> [String: String]
    /// Replaces an object's tags, keeping its bytes, ETag and metadata.
    func putObjectTags(bucket: String, key: String, tags: [String: String]) async throws
    /// The bucket's tags; nil when it has none (S3's NoSuchTagSet).
    func bucketTags(_ bucket: String) async throws -> [String: String]?
    /// Replaces the bucket's tags; nil removes them.
    func putBucketTags(_ bucket: String, tags: [String: String]?) async throws
}

extension ObjectStore {
    /// Puts a whole in-memory buffer (small objects, tests).
    public func putObject(
        bucket: String, key: String, bytes: ByteBuffer, options: PutOptions = PutOptions()
    ) async throws -> PutResult {
        try await putObject(bucket: bucket, key: key, body: SingleBuffer(bytes), options: options)
    }

    /// Puts a stream with default options.
    public func putObject<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, body: Body
    ) async throws -> PutResult where Body.Element == ByteBuffer {
        try await putObject(bucket: bucket, key: key, body: body, options: PutOptions())
    }

    public func uploadPart<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, uploadId: String, partNumber: Int, body: Body
    ) async throws -> PartInfo where Body.Element == ByteBuffer {
        try await uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: partNumber, body: body, integrity: nil)
    }

    public func completeMultipartUpload(bucket: String, key: String, uploadId: String, parts: [CompletedPart]) async throws -> PutResult {
        try await completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: parts, condition: nil)
    }

    /// Reads a whole object into one buffer, refusing objects over `limit` bytes.
    public func getObjectBytes(
        bucket: String, key: String, range: ByteRange? = nil, limit: Int = 64 << 20
    ) async throws -> ByteBuffer {
        let download = try await getObject(bucket: bucket, key: key, range: range)
        return try await download.body.collect(upTo: limit)
    }
}

/// Where an object lives: bucket and key.
public struct ObjectLocation: Sendable, Hashable {
    public var bucket: String
    public var key: String
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }
}

/// Content type, user metadata, stored headers and checks given with a put or a multipart upload.
public struct PutOptions: Sendable, Hashable {
    public var contentType: String?
    /// User metadata (`x-amz-meta-*` without the prefix); names are stored lower-cased.
    public var metadata: [String: String]
    /// Headers kept as sent and returned on reads, by lower-case name (`PutOptions.storedHeaderNames`).
    public var headers: [String: String]
    /// Digests to verify (and the checksum to keep) before anything is stored.
    public var integrity: Integrity?
    /// What the object being replaced must be, checked atomically with the write.
    public var condition: WriteCondition?
    /// The object's tags (`x-amz-tagging`); a copy keeps its source's instead.
    public var tags: [String: String]
    public init(
        contentType: String? = nil, metadata: [String: String] = [:], headers: [String: String] = [:],
        integrity: Integrity? = nil, condition: WriteCondition? = nil, tags: [String: String] = [:]
    ) {
        self.contentType = contentType
        self.metadata = metadata
        self.headers = headers
        self.integrity = integrity
        self.condition = condition
        self.tags = tags
    }

    /// The standard headers S3 stores with an object and returns as they were sent.
    public static let storedHeaderNames = ["cache-control", "content-disposition", "content-encoding", "content-language", "expires"]
}

extension PutOptions {
    /// S3's limit on user metadata: names and values together.
    public static let maximumMetadataBytes = 2048

    /// Throws `.invalidArgument` naming the field when the options could not be sent back as
    /// HTTP headers: metadata names that are not tokens, values that are not printable US-ASCII
    /// (CR/LF would inject headers), more than 2 KiB of metadata, or a content type over 256
    /// bytes or with control characters.
    public func validate() throws(ObjectStoreError) {
        if let contentType {
            guard contentType.utf8.count <= 256, !contentType.unicodeScalars.contains(where: Self.isControl) else {
                throw .invalidArgument(field: "Content-Type", reason: "must be at most 256 bytes without control characters")
            }
        }
        var total = 0
        for (name, value) in metadata {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidArgument(field: "x-amz-meta-\(name)", reason: "metadata names are letters, digits and !#$%&'*+-.^_`|~")
            }
            // Values go back out as headers: no control characters (CR/LF would inject headers).
            // Non-ASCII text is kept and sent back RFC 2047-encoded, as S3 does.
            guard !value.unicodeScalars.contains(where: Self.isControl) else {
                throw .invalidArgument(field: "x-amz-meta-\(name)", reason: "metadata values must not contain control characters")
            }
            total += name.utf8.count + value.utf8.count
        }
        try Self.validate(tags: tags, limit: 10)
        for (name, value) in headers {
            guard Self.storedHeaderNames.contains(name) else {
                throw .invalidArgument(field: name, reason: "is not a header S3 stores with an object")
            }
            guard value.utf8.count <= 2048, !value.unicodeScalars.contains(where: Self.isControl) else {
                throw .invalidArgument(field: name, reason: "must be at most 2048 bytes without control characters")
            }
        }
        guard total <= Self.maximumMetadataBytes else {
            throw .invalidArgument(field: "x-amz-meta-*", reason: "user metadata is \(total) bytes; at most \(Self.maximumMetadataBytes) allowed")
        }
    }

    /// S3's tag rules: at most `limit` tags (10 on an object, 50 on a bucket), keys of 1 to 128
    /// characters, values of at most 256, no control characters.
    public static func validate(tags: [String: String], limit: Int) throws(ObjectStoreError) {
        guard tags.count <= limit else { throw .invalidTag("at most \(limit) tags are allowed, got \(tags.count)") }
        for (key, value) in tags {
            guard (1...128).contains(key.count), !key.hasPrefix("aws:") else {
                throw .invalidTag("tag keys are 1 to 128 characters and do not start with 'aws:', got '\(key.prefix(140))'")
            }
            guard value.count <= 256 else { throw .invalidTag("the value of tag '\(key)' is longer than 256 characters") }
            guard !key.unicodeScalars.contains(where: isControl), !value.unicodeScalars.contains(where: isControl) else {
                throw .invalidTag("tag '\(key.prefix(60))' contains control characters")
            }
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }
}

/// Whether a copy keeps the source's metadata or replaces it.
public enum MetadataDirective: Sendable, Hashable {
    case copy
    case replace(PutOptions)
}

/// The outcome of a put, a copy or a completed multipart upload.
public struct PutResult: Sendable, Hashable {
    public var size: Int64
    /// Unquoted ETag: hex MD5 of the bytes, or `md5-of-part-md5s-N` after multipart.
    public var etag: String
    public var lastModified: Date
    public init(size: Int64, etag: String, lastModified: Date) {
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// What a HEAD tells about an object.
public struct ObjectInfo: Sendable, Hashable {
    public var key: String
    public var size: Int64
    /// Unquoted ETag (see `PutResult.etag`).
    public var etag: String
    public var contentType: String
    public var metadata: [String: String]
    public var lastModified: Date
    /// Headers stored as sent (`PutOptions.storedHeaderNames`).
    public var headers: [String: String]
    /// The checksum verified and kept when the object was written, if one was.
    public var checksum: StoredChecksum?
    /// How many tags the object has (S3's `x-amz-tagging-count`).
    public var tagCount: Int
    public init(
        key: String, size: Int64, etag: String, contentType: String,
        metadata: [String: String], lastModified: Date, headers: [String: String] = [:], checksum: StoredChecksum? = nil,
        tagCount: Int = 0
    ) {
        self.tagCount = tagCount
        self.key = key
        self.size = size
        self.etag = etag
        self.contentType = contentType
        self.metadata = metadata
        self.lastModified = lastModified
        self.headers = headers
        self.checksum = checksum
    }
}

/// An opened object: its head, the byte range being served and the body stream.
public struct ObjectDownload: Sendable {
    public var info: ObjectInfo
    /// The inclusive byte range the body carries (the whole object when no range was asked).
    public var range: ClosedRange<Int64>?
    public var body: ObjectBody
    /// The whole body when the store read it with the object's head (small objects): a server
    /// can send it in one write instead of streaming `body`.
    public var bytes: ByteBuffer?
    /// Number of bytes the body yields.
    public var contentLength: Int64 { range.map { $0.upperBound - $0.lowerBound + 1 } ?? 0 }
    public init(info: ObjectInfo, range: ClosedRange<Int64>?, body: ObjectBody) {
        self.info = info
        self.range = range
        self.body = body
    }
    /// A download whose bytes are already in memory.
    public init(info: ObjectInfo, range: ClosedRange<Int64>?, bytes: ByteBuffer) {
        self.init(info: info, range: range, body: ObjectBody(SingleBuffer(bytes)))
        self.bytes = bytes
    }
}

/// One entry of a listing.
public struct ObjectSummary: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var etag: String
    public var lastModified: Date
    public init(key: String, size: Int64, etag: String, lastModified: Date) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// Parameters of a listing, as in S3's ListObjectsV2.
public struct ListObjectsRequest: Sendable, Hashable {
    public var prefix: String
    public var delimiter: String?
    /// Only keys strictly after this one (ListObjectsV2 `start-after`, v1 `marker`).
    public var startAfter: String?
    /// Token from a previous `ObjectListing.nextContinuationToken`; wins over `startAfter`.
    public var continuationToken: String?
    /// At most this many objects plus common prefixes (S3 caps it at 1000).
    public var maxKeys: Int
    public init(
        prefix: String = "", delimiter: String? = nil, startAfter: String? = nil,
        continuationToken: String? = nil, maxKeys: Int = 1000
    ) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.startAfter = startAfter
        self.continuationToken = continuationToken
        self.maxKeys = maxKeys
    }
}

/// One page of a listing: objects and common prefixes, both in UTF-8 byte order.
public struct ObjectListing: Sendable, Hashable {
    public var objects: [ObjectSummary]
    public var commonPrefixes: [String]
    public var isTruncated: Bool
    /// Opaque token for the next page when truncated.
    public var nextContinuationToken: String?
    /// The last key or common prefix of this page (ListObjects v1 `NextMarker`).
    public var lastEntry: String?
    public init(
        objects: [ObjectSummary], commonPrefixes: [String], isTruncated: Bool,
        nextContinuationToken: String?, lastEntry: String?
    ) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
        self.lastEntry = lastEntry
    }
}

/// A bucket and when it was created.
public struct BucketInfo: Sendable, Hashable {
    public var name: String
    public var creationDate: Date
    public init(name: String, creationDate: Date) {
        self.name = name
        self.creationDate = creationDate
    }
}

/// An uploaded part of a multipart upload.
public struct PartInfo: Sendable, Hashable {
    public var partNumber: Int
    public var size: Int64
    /// Unquoted hex MD5 of the part's bytes.
    public var etag: String
    public var lastModified: Date
    public init(partNumber: Int, size: Int64, etag: String, lastModified: Date) {
        self.partNumber = partNumber
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// A part named in CompleteMultipartUpload.
public struct CompletedPart: Sendable, Hashable {
    public var partNumber: Int
    /// The part's ETag, quoted or not.
    public var etag: String
    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}

/// A multipart upload in progress.
public struct MultipartUploadInfo: Sendable, Hashable {
    public var key: String
    public var uploadId: String
    public var initiated: Date
    public init(key: String, uploadId: String, initiated: Date) {
        self.key = key
        self.uploadId = uploadId
        self.initiated = initiated
    }
}

/// S3's multipart limits, shared by both backends.
public enum MultipartLimits {
    /// Every part but the last must be at least this big.
    public static let minimumPartSize: Int64 = 5 << 20
    public static let maximumPartNumber = 10_000
}
