import HTTPTypes
import Hummingbird
import WharfObjectStore

/// A request at the front door with its body read: what the protocols decode operations from.
struct AWSWireRequest: Sendable {
    let method: HTTPRequest.Method
    /// Percent-encoded, as sent.
    let rawPath: String
    let rawQuery: String
    let headers: HTTPFields
    let authority: String?
    let body: [UInt8]

    init(_ request: Request, body: [UInt8]) {
        let target = request.head.path ?? "/"
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        rawPath = String(parts[0])
        rawQuery = parts.count > 1 ? String(parts[1]) : ""
        method = request.method
        headers = request.headers
        authority = request.head.authority
        self.body = body
    }

    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }

    var queryItems: [(name: String, value: String)] { SigV4.queryItems(rawQuery) }

    /// Path segments, each percent-decoded.
    var pathSegments: [String] {
        rawPath.split(separator: "/", omittingEmptySubsequences: true).map { SigV4.percentDecode($0) }
    }

    var signable: SigV4Request {
        SigV4Request(
            method: method.rawValue, path: rawPath, query: rawQuery,
            headers: (authority.map { [(name: "host", value: $0)] } ?? []) + headers.map { (name: $0.name.canonicalName, value: $0.value) })
    }
}
