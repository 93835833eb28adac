import Foundation

/// Where an `S3ObjectStore` keeps its bytes: one real bucket, a key prefix inside it, the
/// endpoint, region, credentials and addressing style.
///
/// Wharf bucket `b` and key `k` live at `<prefix>b/k`; bucket `b` itself is the marker object
/// `<prefix>.wharf-buckets/b` (bucket names never start with `.`, so the two cannot collide).
public struct S3Configuration: Sendable, Hashable {
    public enum Addressing: String, Sendable, Hashable {
        /// `http://host/bucket/key`
        case path
        /// `http://bucket.host/key`
        case virtualHost = "virtual"
    }

    /// `http` or `https`.
    public var scheme: String
    /// Host name of the endpoint (without the bucket for virtual-host addressing).
    public var host: String
    public var port: Int?
    public var bucket: String
    /// Key prefix, empty or ending with `/`.
    public var prefix: String
    public var region: String
    public var credentials: SigV4Credentials
    public var addressing: Addressing
    /// Size of the parts of a streamed upload; bodies shorter than this go up in one PUT.
    public var partSize: Int
    /// Attempts per request on 5xx answers and connection errors (exponential backoff between).
    public var maximumAttempts: Int

    public init(
        endpoint: URL? = nil, bucket: String, prefix: String = "", region: String = "us-east-1",
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
        guard !bucket.isEmpty, !bucket.contains("/") else { throw .invalidArgument(field: "bucket", reason: "'\(bucket)' is not a bucket name") }
        self.bucket = bucket
        var normalized = prefix
        while normalized.hasPrefix("/") { normalized.removeFirst() }
        if !normalized.isEmpty && !normalized.hasSuffix("/") { normalized += "/" }
        self.prefix = normalized
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
    var hostHeader: String {
        let base = addressing == .virtualHost ? "\(bucket).\(host)" : host
        if let port, !(scheme == "http" && port == 80) && !(scheme == "https" && port == 443) { return "\(base):\(port)" }
        return base
    }

    /// The encoded request path for a real key (nil: the bucket itself).
    func path(forKey key: String?) -> String {
        let encodedKey = key.map { SigV4.uriEncode($0, encodeSlash: false) } ?? ""
        switch addressing {
        case .path: return "/\(bucket)/\(encodedKey)"
        case .virtualHost: return "/\(encodedKey)"
        }
    }

    func objectKey(bucket wharfBucket: String, key: String) -> String { "\(prefix)\(wharfBucket)/\(key)" }
    func bucketMarker(_ wharfBucket: String) -> String { "\(prefix).wharf-buckets/\(wharfBucket)" }
}
