import Foundation

/// Where an `S3ObjectStore` keeps its bytes: the endpoint, region, credentials, addressing
/// style, and how Wharf buckets map onto real ones (`Layout`).
public struct S3Configuration: Sendable, Hashable {
    /// Where the bucket name goes in a request URL.
    public enum Addressing: String, Sendable, Hashable {
        /// `http://host/bucket/key`
        case path
        /// `http://bucket.host/key`
        case virtualHost = "virtual"
    }

    /// How Wharf buckets map onto the S3 service's buckets.
    public enum Layout: Sendable, Hashable {
        /// Every Wharf bucket inside one real bucket: bucket `b`, key `k` live at
        /// `<prefix>b/k`, and bucket `b` itself is the marker object `<prefix>.wharf-buckets/b`
        /// (bucket names never start with `.`, so the two cannot collide).
        case sharedBucket(bucket: String, prefix: String)
        /// Each Wharf bucket is the real bucket `<namePrefix><b>`; with an empty prefix the store
        /// is a plain S3 client (of AWS, MinIO, or Wharf's own S3 face).
        case bucketPerBucket(namePrefix: String)
    }

    /// `http` or `https`.
    public var scheme: String
    /// Host name of the endpoint (without the bucket for virtual-host addressing).
    public var host: String
    public var port: Int?
    public var layout: Layout
    public var region: String
    public var credentials: SigV4Credentials
    public var addressing: Addressing
    /// Size of the parts of a streamed upload; bodies shorter than this go up in one PUT.
    public var partSize: Int
    /// Attempts per request on 5xx answers and connection errors (exponential backoff between).
    public var maximumAttempts: Int

    /// A shared-bucket layout: every Wharf bucket under `prefix` in the real `bucket`.
    public init(
        endpoint: URL? = nil, bucket: String, prefix: String = "", region: String = "us-east-1",
        credentials: SigV4Credentials, addressing: Addressing? = nil, partSize: Int = 16 << 20, maximumAttempts: Int = 4
    ) throws(ObjectStoreError) {
        guard !bucket.isEmpty, !bucket.contains("/") else { throw .invalidArgument(field: "bucket", reason: "'\(bucket)' is not a bucket name") }
        var normalized = prefix
        while normalized.hasPrefix("/") { normalized.removeFirst() }
        if !normalized.isEmpty && !normalized.hasSuffix("/") { normalized += "/" }
        try self.init(
            endpoint: endpoint, layout: .sharedBucket(bucket: bucket, prefix: normalized), region: region, credentials: credentials,
            addressing: addressing, partSize: partSize, maximumAttempts: maximumAttempts)
    }

    public init(
        endpoint: URL? = nil, layout: Layout, region: String = "us-east-1",
        credentials: SigV4Credentials, addressing: Addressing? = nil, partSize: Int = 16 << 20, maximumAttempts: Int = 4
    ) throws(ObjectStoreError) {
        if let endpoint {
            guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = endpoint.host, !host.isEmpty else {
                throw .invalidArgument(field: "endpoint", reason: "'\(endpoint.absoluteString)' is not an http(s) URL with a host")
            }
            self.scheme = scheme
            self.host = host
            self.port = endpoint.port
        } else {
            self.scheme = "https"
            self.host = "s3.\(region).amazonaws.com"
            self.port = nil
        }
        self.layout = layout
        self.region = region
        self.credentials = credentials
        // Custom endpoints (MinIO, moto, Wharf itself) rarely resolve bucket subdomains; AWS does.
        self.addressing = addressing ?? (endpoint == nil ? .virtualHost : .path)
        guard partSize >= Int(MultipartLimits.minimumPartSize) else {
            throw .invalidArgument(field: "partSize", reason: "must be at least 5 MiB")
        }
        self.partSize = partSize
        self.maximumAttempts = max(1, maximumAttempts)
    }

    /// Parses `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=…&addressing=path|virtual`;
    /// credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and
    /// `AWS_SESSION_TOKEN`), the region from `region=` or `AWS_REGION`, default `us-east-1`.
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ObjectStoreError) {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "s3",
            let bucket = components.host, !bucket.isEmpty
        else {
            throw .invalidArgument(field: "storage", reason: "'\(url)' is not an s3://bucket/prefix URL")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        for name in query.keys where !["endpoint", "region", "addressing"].contains(name) {
            throw .invalidArgument(field: "storage", reason: "unknown parameter '\(name)' (endpoint, region, addressing)")
        }
        var endpoint: URL?
        if let text = query["endpoint"] {
            guard let parsed = URL(string: text) else { throw .invalidArgument(field: "endpoint", reason: "'\(text)' is not a URL") }
            endpoint = parsed
        }
        var addressing: Addressing?
        if let text = query["addressing"] {
            guard let parsed = Addressing(rawValue: text) else {
                throw .invalidArgument(field: "addressing", reason: "'\(text)' is neither 'path' nor 'virtual'")
            }
            addressing = parsed
        }
        guard let accessKey = environment["AWS_ACCESS_KEY_ID"], !accessKey.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else {
            throw .invalidArgument(field: "AWS_ACCESS_KEY_ID", reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set for s3:// storage")
        }
        let region = query["region"] ?? environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        try self.init(
            endpoint: endpoint, bucket: bucket, prefix: SigV4.percentDecode(components.percentEncodedPath), region: region,
            credentials: SigV4Credentials(accessKeyId: accessKey, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]),
            addressing: addressing)
    }

    /// `host[:port]` as sent in the Host header, with the bucket for virtual-host addressing.
    func hostHeader(bucket: String?) -> String {
        let base = addressing == .virtualHost && bucket != nil ? "\(bucket!).\(host)" : host
        if let port, !(scheme == "http" && port == 80) && !(scheme == "https" && port == 443) { return "\(base):\(port)" }
        return base
    }

    /// The encoded request path for a real bucket and key.
    func path(_ target: S3Target) -> String {
        let encodedKey = target.key.map { SigV4.uriEncode($0, encodeSlash: false) } ?? ""
        guard let bucket = target.bucket else { return "/" }
        switch addressing {
        case .path: return "/\(bucket)/\(encodedKey)"
        case .virtualHost: return "/\(encodedKey)"
        }
    }

    /// The real bucket and the key prefix holding Wharf bucket `wharfBucket`'s objects.
    func objectBase(_ wharfBucket: String) -> (bucket: String, prefix: String) {
        switch layout {
        case .sharedBucket(let bucket, let prefix): (bucket, "\(prefix)\(wharfBucket)/")
        case .bucketPerBucket(let namePrefix): (namePrefix + wharfBucket, "")
        }
    }

    func object(_ wharfBucket: String, _ key: String) -> S3Target {
        let base = objectBase(wharfBucket)
        return S3Target(bucket: base.bucket, key: base.prefix + key)
    }
}

/// A real bucket (nil: the service) and key (nil: the bucket) a request goes to.
struct S3Target: Sendable {
    var bucket: String?
    var key: String?
}
