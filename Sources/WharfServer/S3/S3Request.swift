import HTTPTypes
import Hummingbird
import WharfObjectStore

/// An S3 REST call as addressed path-style: `/bucket/key?query`, with the raw pieces SigV4 signs.
struct S3Request {
    let method: HTTPRequest.Method
    /// The percent-encoded path exactly as sent.
    let rawPath: String
    let rawQuery: String
    let bucket: String?
    let key: String?
    let query: [String: String]
    let headers: HTTPFields
    /// The Host header, which HTTPTypes keeps apart from the other fields as the authority.
    let authority: String?

    init(_ request: Request) {
        let target = request.head.path ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        rawPath = String(parts[0])
        rawQuery = parts.count > 1 ? String(parts[1]) : ""
        method = request.method
        headers = request.headers
        authority = request.head.authority
        var query: [String: String] = [:]
        for item in SigV4.queryItems(rawQuery) { query[item.name] = item.value }
        self.query = query
        let trimmed = rawPath.drop(while: { $0 == "/" })
        if trimmed.isEmpty {
            bucket = nil
            key = nil
        } else if let slash = trimmed.firstIndex(of: "/") {
            bucket = SigV4.percentDecode(trimmed[..<slash])
            let rawKey = trimmed[trimmed.index(after: slash)...]
            key = rawKey.isEmpty ? nil : SigV4.percentDecode(rawKey)
        } else {
            bucket = SigV4.percentDecode(trimmed)
            key = nil
        }
    }

    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }

    var signable: SigV4Request {
        SigV4Request(
            method: method.rawValue,
            path: rawPath,
            query: rawQuery,
            headers: (authority.map { [(name: "host", value: $0)] } ?? []) + headers.map { (name: $0.name.canonicalName, value: $0.value) }
        )
    }

    /// The S3 operation name, for metrics and access checks.
    var operation: String {
        switch (method, bucket, key) {
        case (.get, nil, _): return "ListBuckets"
        case (.put, _?, nil): return "CreateBucket"
        case (.head, _?, nil): return "HeadBucket"
        case (.delete, _?, nil): return "DeleteBucket"
        case (.post, _?, nil) where query["delete"] != nil: return "DeleteObjects"
        case (.get, _?, nil) where query["uploads"] != nil: return "ListMultipartUploads"
        case (.get, _?, nil) where query["location"] != nil: return "GetBucketLocation"
        case (.get, _?, nil) where query["list-type"] == "2": return "ListObjectsV2"
        case (.get, _?, nil): return "ListObjects"
        case (.put, _?, _?) where query["uploadId"] != nil: return "UploadPart"
        case (.put, _?, _?) where header("x-amz-copy-source") != nil: return "CopyObject"
        case (.put, _?, _?): return "PutObject"
        case (.get, _?, _?) where query["uploadId"] != nil: return "ListParts"
        case (.get, _?, _?): return "GetObject"
        case (.head, _?, _?): return "HeadObject"
        case (.delete, _?, _?) where query["uploadId"] != nil: return "AbortMultipartUpload"
        case (.delete, _?, _?): return "DeleteObject"
        case (.post, _?, _?) where query["uploads"] != nil: return "CreateMultipartUpload"
        case (.post, _?, _?) where query["uploadId"] != nil: return "CompleteMultipartUpload"
        default: return "Unsupported"
        }
    }

    var isRead: Bool { method == .get || method == .head }
}
