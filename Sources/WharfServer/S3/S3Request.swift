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
    /// The operation the support table matched, or the error it answers with; nil for Wharf's own prefixes.
    let resolution: S3SupportTable.Resolution?

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
        if let bucket, S3Middleware.reservedPrefixes.contains(bucket) {
            resolution = nil
        } else {
            resolution = S3SupportTable.resolve(method: method, bucket: bucket, key: key, query: query, headers: headers)
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
    var operation: String { resolution?.operation?.name ?? "NotImplemented" }

    /// Whether the call only reads: the table's word for a matched operation, the method's otherwise.
    var isRead: Bool { resolution?.operation.map { !$0.writes } ?? (method == .get || method == .head) }
}
