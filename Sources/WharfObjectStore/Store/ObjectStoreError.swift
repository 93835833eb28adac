/// Every failure of an `ObjectStore`; each case maps onto one S3 error code.
public enum ObjectStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case noSuchBucket(String)
    case noSuchKey(bucket: String, key: String)
    case bucketNotEmpty(String)
    case bucketAlreadyOwnedByYou(String)
    case invalidBucketName(String, reason: String)
    /// A key the stores refuse (traversal segments, control characters, a leading `/`, …).
    case invalidKey(String, reason: String)
    /// A key over 1024 bytes of UTF-8.
    case keyTooLong(String, length: Int)
    /// The range starts beyond the object's end (HTTP 416).
    case invalidRange(String, size: Int64)
    /// A part named in a completion is missing or its ETag differs.
    case invalidPart(partNumber: Int, reason: String)
    /// Parts in a completion are not in ascending order.
    case invalidPartOrder(String)
    /// A part other than the last is smaller than 5 MiB.
    case entityTooSmall(partNumber: Int, size: Int64)
    case noSuchUpload(String)
    case invalidArgument(field: String, reason: String)
    /// A `Content-MD5` or `x-amz-checksum-*` the bytes did not match (nothing was stored).
    case badDigest(field: String, reason: String)
    /// A `Content-MD5` that is not the base64 of 16 bytes.
    case invalidDigest(String)
    /// A conditional write's condition did not hold (HTTP 412).
    case preconditionFailed(String)
    /// Tags S3 would refuse (too many, too long, reserved prefix).
    case invalidTag(String)
    /// The bucket has no tags (S3's NoSuchTagSet, 404).
    case noSuchTagSet(String)
    /// The backend failed (I/O error, unexpected S3 answer); not the caller's fault.
    case backend(String)

    /// The S3 error code the API layer answers with.
    public var s3Code: String {
        switch self {
        case .noSuchBucket: "NoSuchBucket"
        case .noSuchKey: "NoSuchKey"
        case .bucketNotEmpty: "BucketNotEmpty"
        case .bucketAlreadyOwnedByYou: "BucketAlreadyOwnedByYou"
        case .invalidBucketName: "InvalidBucketName"
        case .invalidKey: "InvalidArgument"
        case .keyTooLong: "KeyTooLongError"
        case .invalidRange: "InvalidRange"
        case .invalidPart: "InvalidPart"
        case .invalidPartOrder: "InvalidPartOrder"
        case .entityTooSmall: "EntityTooSmall"
        case .noSuchUpload: "NoSuchUpload"
        case .invalidArgument: "InvalidArgument"
        case .badDigest: "BadDigest"
        case .invalidDigest: "InvalidDigest"
        case .preconditionFailed: "PreconditionFailed"
        case .invalidTag: "InvalidTag"
        case .noSuchTagSet: "NoSuchTagSet"
        case .backend: "InternalError"
        }
    }

    /// The HTTP status S3 uses for this error.
    public var httpStatus: Int {
        switch self {
        case .noSuchBucket, .noSuchKey, .noSuchUpload, .noSuchTagSet: 404
        case .bucketNotEmpty, .bucketAlreadyOwnedByYou: 409
        case .invalidRange: 416
        case .preconditionFailed: 412
        case .backend: 500
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .noSuchBucket(let b): "bucket '\(b)' does not exist"
        case .noSuchKey(let b, let k): "key '\(k)' does not exist in bucket '\(b)'"
        case .bucketNotEmpty(let b): "bucket '\(b)' is not empty"
        case .bucketAlreadyOwnedByYou(let b): "bucket '\(b)' already exists"
        case .invalidBucketName(let b, let r): "invalid bucket name '\(b)': \(r)"
        case .invalidKey(let k, let r): "invalid key '\(k.prefix(200))': \(r)"
        case .keyTooLong(let k, let n): "key '\(k.prefix(60))…' is \(n) bytes of UTF-8; at most 1024 allowed"
        case .invalidRange(let r, let size): "range '\(r)' is not satisfiable for an object of \(size) bytes"
        case .invalidPart(let n, let r): "part \(n): \(r)"
        case .invalidPartOrder(let r): "parts are not in ascending order: \(r)"
        case .entityTooSmall(let n, let size): "part \(n) has \(size) bytes; every part but the last needs at least 5 MiB"
        case .noSuchUpload(let id): "multipart upload '\(id)' does not exist"
        case .invalidArgument(let f, let r): "\(f): \(r)"
        case .badDigest(let f, let r): "\(f): \(r)"
        case .invalidDigest(let r): "Content-MD5: \(r)"
        case .invalidTag(let r): "invalid tags: \(r)"
        case .noSuchTagSet(let b): "bucket '\(b)' has no tags"
        case .preconditionFailed(let r): "At least one of the pre-conditions you specified did not hold: \(r)"
        case .backend(let m): "object store backend failed: \(m)"
        }
    }
}
