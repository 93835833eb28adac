import Foundation

/// An HTTP request as SigV4 sees it: method, the path and query exactly as on the wire
/// (percent-encoded), and the headers.
public struct SigV4Request: Sendable {
    public var method: String
    /// Raw path as sent, e.g. `/bucket/my%20key`.
    public var path: String
    /// Raw query string without `?`, e.g. `list-type=2&prefix=a%2F`.
    public var query: String
    public var headers: [(name: String, value: String)]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// The first value of a header, by case-insensitive name (ASCII, as header names are).
    public func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    /// ASCII case-insensitive equality without Foundation: header lookups run several times per request.
    static func sameName(_ a: String, _ b: String) -> Bool {
        var x = a.utf8.makeIterator(), y = b.utf8.makeIterator()
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return true
            case (let p?, let q?):
                if p != q && (p | 0x20) != (q | 0x20) { return false }
                if p != q, !((p | 0x20) >= 0x61 && (p | 0x20) <= 0x7A) { return false }
            default: return false
            }
        }
    }

    /// All values of the named headers, in order, for the canonical request.
    func signedHeaderValues(_ names: [String]) throws(SigV4Error) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for name in names {
            let values = headers.filter { $0.name.lowercased() == name }
            guard !values.isEmpty else { throw .malformed("signed header '\(name)' is missing from the request") }
            out.append(contentsOf: values.map { (name, $0.value) })
        }
        return out
    }
}

/// Signs outgoing requests: `Authorization` headers and presigned query URLs.
public struct SigV4Signer: Sendable {
    public var credentials: SigV4Credentials
    public var region: String
    public var service: String

    public init(credentials: SigV4Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `x-amz-date`, `x-amz-content-sha256`, the session token and `Authorization`,
    /// signing every header the request carries (it must carry `host`).
    public func sign(_ request: inout SigV4Request, payloadHash: String, date: Date = Date()) {
        let timestamp = SigV4.timestamp(date)
        let day = String(timestamp.prefix(8))
        request.headers.removeAll {
            let n = $0.name.lowercased()
            return n == "authorization" || n == "x-amz-date" || n == "x-amz-content-sha256"
        }
        request.headers.append(("x-amz-date", timestamp))
        request.headers.append(("x-amz-content-sha256", payloadHash))
        if let token = credentials.sessionToken { request.headers.append(("x-amz-security-token", token)) }
        let canonical = SigV4.canonicalRequest(
            method: request.method, canonicalURI: SigV4.canonicalURI(rawPath: request.path),
            canonicalQuery: SigV4.canonicalQuery(SigV4.queryItems(request.query)),
            headers: request.headers, payloadHash: payloadHash)
        let scope = SigV4.scope(date: day, region: region, service: service)
        let key = SigV4.signingKey(secret: credentials.secretAccessKey, date: day, region: region, service: service)
        let signature = SigV4.signature(
            signingKey: key, stringToSign: SigV4.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical.request))
        request.headers.append((
            "Authorization",
            "\(SigV4.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        ))
    }

    /// A presigned URL valid for `expires` seconds (1 second to 7 days); only `host` is signed.
    /// `path` is the raw (encoded) path, `query` extra decoded parameters.
    public func presignedURL(
        method: String, scheme: String, host: String, path: String, query: [(name: String, value: String)] = [],
        expires: Int, date: Date = Date()
    ) throws(SigV4Error) -> String {
        guard (1...604_800).contains(expires) else { throw .malformed("X-Amz-Expires must be between 1 and 604800 seconds") }
        let timestamp = SigV4.timestamp(date)
        let day = String(timestamp.prefix(8))
        let scope = SigV4.scope(date: day, region: region, service: service)
        var items = query
        items.append(("X-Amz-Algorithm", SigV4.algorithm))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"))
        items.append(("X-Amz-Date", timestamp))
        items.append(("X-Amz-Expires", String(expires)))
        items.append(("X-Amz-SignedHeaders", "host"))
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        let canonicalQuery = SigV4.canonicalQuery(items)
        let canonical = SigV4.canonicalRequest(
            method: method, canonicalURI: SigV4.canonicalURI(rawPath: path), canonicalQuery: canonicalQuery,
            headers: [("host", host)], payloadHash: SigV4.unsignedPayload)
        let key = SigV4.signingKey(secret: credentials.secretAccessKey, date: day, region: region, service: service)
        let signature = SigV4.signature(
            signingKey: key, stringToSign: SigV4.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical.request))
        return "\(scheme)://\(host)\(path)?\(canonicalQuery)&X-Amz-Signature=\(signature)"
    }
}
