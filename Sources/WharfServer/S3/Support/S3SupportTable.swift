import HTTPTypes

/// What an S3 call is addressed to: the service (`/`), a bucket (`/bucket`) or an object (`/bucket/key`).
enum S3ResourceKind: String, Sendable, CaseIterable {
    case service, bucket, object
}

/// A header that changes what an operation does, and the values Wharf serves for it (nil: any value).
struct S3HeaderRule: Sendable {
    let name: String
    let values: [String]?

    init(_ name: String, values: [String]? = nil) {
        self.name = name
        self.values = values
    }

    func allows(_ value: String) -> Bool {
        guard let values else { return true }
        let trimmed = value.trimmingASCIISpaces
        return values.contains { $0.caseInsensitiveEquals(trimmed) }
    }
}

/// One S3 operation Wharf serves: how a request selects it, the query parameters and the
/// semantics-changing headers it honours, and whether it changes stored data.
struct S3OperationSpec: Sendable {
    let name: String
    let method: HTTPRequest.Method
    let kind: S3ResourceKind
    /// The query parameter that selects the operation (`?tagging`, `?uploadId`); nil for the plain call.
    let subresource: String?
    /// Whether the request carries `x-amz-copy-source` (CopyObject, UploadPartCopy).
    let copies: Bool
    /// Query parameters the operation honours, besides its subresource and the signature's own.
    let parameters: [String]
    /// Governed headers (see `S3SupportTable.isGoverned`) the operation honours.
    let headers: [S3HeaderRule]
    /// Whether a successful call changes objects, buckets or their configuration.
    let writes: Bool

    init(
        _ name: String, _ method: HTTPRequest.Method, _ kind: S3ResourceKind, subresource: String? = nil, copies: Bool = false,
        parameters: [String] = [], headers: [S3HeaderRule] = [], writes: Bool
    ) {
        self.name = name
        self.method = method
        self.kind = kind
        self.subresource = subresource
        self.copies = copies
        self.parameters = parameters
        self.headers = headers
        self.writes = writes
    }
}

/// The one table of what Wharf's S3 face serves. The router resolves every request against it
/// before anything is read or written: a subresource, query parameter or governed header the
/// matched operation does not list is S3's `NotImplemented` (501), so a feature Wharf lacks is
/// never silently run as the plain operation. docs/s3.md's operation table is rendered from it.
enum S3SupportTable {
    // Header groups shared by several operations.
    static let cannedACL = S3HeaderRule("x-amz-acl", values: ["private", "bucket-owner-full-control"])
    static let storageClass = S3HeaderRule("x-amz-storage-class", values: ["STANDARD"])
    static let tagging = S3HeaderRule("x-amz-tagging")
    static let checksums: [S3HeaderRule] = [
        S3HeaderRule("x-amz-sdk-checksum-algorithm", values: ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]),
        S3HeaderRule("x-amz-checksum-crc32"), S3HeaderRule("x-amz-checksum-crc32c"), S3HeaderRule("x-amz-checksum-sha1"),
        S3HeaderRule("x-amz-checksum-sha256"), S3HeaderRule("x-amz-checksum-crc64nvme"),
    ]
    static let readConditions: [S3HeaderRule] = [
        S3HeaderRule("if-match"), S3HeaderRule("if-none-match"), S3HeaderRule("if-modified-since"), S3HeaderRule("if-unmodified-since"),
    ]
    static let copySource: [S3HeaderRule] = [
        S3HeaderRule("x-amz-copy-source"),
        S3HeaderRule("x-amz-copy-source-if-match"), S3HeaderRule("x-amz-copy-source-if-none-match"),
        S3HeaderRule("x-amz-copy-source-if-modified-since"), S3HeaderRule("x-amz-copy-source-if-unmodified-since"),
    ]
    static let responseOverrides = [
        "response-content-type", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding",
    ]
    static let writeConditions: [S3HeaderRule] = [S3HeaderRule("if-match"), S3HeaderRule("if-none-match")]

    static let operations: [S3OperationSpec] = [
        S3OperationSpec("ListBuckets", .get, .service, parameters: ["prefix", "max-buckets", "continuation-token"], writes: false),

        S3OperationSpec("CreateBucket", .put, .bucket, headers: [cannedACL], writes: true),
        S3OperationSpec("HeadBucket", .head, .bucket, writes: false),
        S3OperationSpec("DeleteBucket", .delete, .bucket, writes: true),
        S3OperationSpec("GetBucketLocation", .get, .bucket, subresource: "location", writes: false),
        S3OperationSpec("GetBucketVersioning", .get, .bucket, subresource: "versioning", writes: false),
        S3OperationSpec(
            "ListObjects", .get, .bucket, parameters: ["prefix", "delimiter", "marker", "max-keys", "encoding-type"], writes: false),
        S3OperationSpec(
            "ListObjectsV2", .get, .bucket, subresource: "list-type",
            parameters: ["prefix", "delimiter", "continuation-token", "max-keys", "start-after", "encoding-type", "fetch-owner"],
            writes: false),
        S3OperationSpec("ListMultipartUploads", .get, .bucket, subresource: "uploads", parameters: ["prefix"], writes: false),
        S3OperationSpec("GetBucketTagging", .get, .bucket, subresource: "tagging", writes: false),
        S3OperationSpec("PutBucketTagging", .put, .bucket, subresource: "tagging", headers: checksums, writes: true),
        S3OperationSpec("DeleteBucketTagging", .delete, .bucket, subresource: "tagging", writes: true),
        S3OperationSpec(
            "DeleteObjects", .post, .bucket, subresource: "delete", headers: checksums, writes: true),

        S3OperationSpec(
            "PutObject", .put, .object, headers: [cannedACL, storageClass, tagging] + checksums + writeConditions, writes: true),
        S3OperationSpec(
            "CopyObject", .put, .object, copies: true,
            headers: [cannedACL, storageClass, tagging, S3HeaderRule("x-amz-metadata-directive", values: ["COPY", "REPLACE"]),
                      S3HeaderRule("x-amz-tagging-directive", values: ["COPY", "REPLACE"])] + copySource,
            writes: true),
        S3OperationSpec(
            "GetObject", .get, .object, parameters: responseOverrides,
            headers: readConditions + [S3HeaderRule("x-amz-checksum-mode", values: ["ENABLED"])], writes: false),
        S3OperationSpec(
            "HeadObject", .head, .object, parameters: responseOverrides,
            headers: readConditions + [S3HeaderRule("x-amz-checksum-mode", values: ["ENABLED"])], writes: false),
        S3OperationSpec("DeleteObject", .delete, .object, writes: true),
        S3OperationSpec("GetObjectTagging", .get, .object, subresource: "tagging", writes: false),
        S3OperationSpec("PutObjectTagging", .put, .object, subresource: "tagging", headers: checksums, writes: true),
        S3OperationSpec("DeleteObjectTagging", .delete, .object, subresource: "tagging", writes: true),

        S3OperationSpec(
            "CreateMultipartUpload", .post, .object, subresource: "uploads",
            headers: [cannedACL, storageClass, tagging, S3HeaderRule("x-amz-checksum-algorithm", values: ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"]),
                      S3HeaderRule("x-amz-checksum-type", values: ["COMPOSITE", "FULL_OBJECT"])],
            writes: true),
        S3OperationSpec(
            "UploadPart", .put, .object, subresource: "uploadId", parameters: ["partNumber"], headers: checksums, writes: true),
        S3OperationSpec(
            "UploadPartCopy", .put, .object, subresource: "uploadId", copies: true, parameters: ["partNumber"],
            headers: copySource + [S3HeaderRule("x-amz-copy-source-range")], writes: true),
        S3OperationSpec("ListParts", .get, .object, subresource: "uploadId", writes: false),
        S3OperationSpec(
            "CompleteMultipartUpload", .post, .object, subresource: "uploadId",
            headers: checksums + [S3HeaderRule("x-amz-checksum-type")] + writeConditions,
            writes: true),
        S3OperationSpec("AbortMultipartUpload", .delete, .object, subresource: "uploadId", writes: true),
    ]

    /// Query parameters that select an operation wherever they appear. Any name here that the
    /// matched entry does not list as its subresource makes the request NotImplemented.
    static let subresources: Set<String> = {
        var names: Set<String> = [
            "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
            "legal-hold", "lifecycle", "location", "logging", "metadataConfiguration", "metadataTable", "metrics", "notification",
            "object-lock", "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "renameObject", "replication",
            "requestPayment", "restore", "retention", "select", "session", "tagging", "torrent", "uploadId", "uploads",
            "versioning", "versions", "website", "list-type",
        ]
        for operation in operations { if let subresource = operation.subresource { names.insert(subresource) } }
        return names
    }()

    /// Query parameters of the signature itself (presigned URLs) and SDK bookkeeping, allowed on every call.
    static let signatureParameters: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
        "X-Amz-Security-Token", "AWSAccessKeyId", "Signature", "Expires", "x-id",
    ]

    /// `x-amz-*` headers that carry the request (signing, framing, SDK telemetry) and change
    /// nothing about what it does; every other `x-amz-*` header is governed by the table.
    static let transportHeaders: Set<String> = [
        "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "x-amz-decoded-content-length", "x-amz-trailer",
        "x-amz-user-agent", "x-amz-request-payer", "x-amz-te",
    ]

    /// Standard headers that are governed: conditions change what a write or a read does.
    static let governedStandardHeaders: Set<String> = ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since"]

    struct Key: Hashable {
        let method: String
        let kind: S3ResourceKind
        let subresource: String?
        let copies: Bool
    }

    static let byKey: [Key: S3OperationSpec] = Dictionary(
        operations.map { (Key(method: $0.method.rawValue, kind: $0.kind, subresource: $0.subresource, copies: $0.copies), $0) },
        uniquingKeysWith: { first, _ in first })

    /// Whether the table decides if `name` (a lower-case header name) may come with a call.
    static func isGoverned(_ name: String) -> Bool {
        if name.hasPrefix("x-amz-") {
            return !name.hasPrefix("x-amz-meta-") && !transportHeaders.contains(name)
        }
        return governedStandardHeaders.contains(name)
    }
}

extension String {
    var trimmingASCIISpaces: Substring {
        var slice = self[...]
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return slice
    }

    func caseInsensitiveEquals(_ other: Substring) -> Bool {
        utf8.count == other.utf8.count
            && zip(utf8, other.utf8).allSatisfy { a, b in a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A) }
    }
}
