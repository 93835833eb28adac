import Crypto
import Foundation

/// What a verified request's body is promised to be.
public enum SigV4Payload: Sendable {
    /// `UNSIGNED-PAYLOAD` (and presigned URLs): the body is taken as it is.
    case unsigned
    /// The body must hash to this hex SHA-256.
    case sha256(String)
    /// aws-chunked, each chunk signed in a chain starting from the request's signature;
    /// `trailer` when a signed trailer follows the last chunk.
    case signedChunks(ChunkSigningContext, trailer: Bool)
    /// aws-chunked without chunk signatures, a checksum trailer at the end.
    case unsignedChunksWithTrailer
}

/// What chunk signatures are computed from: the signing key, the request's timestamp and scope,
/// and the seed (the request's own signature).
public struct ChunkSigningContext: Sendable {
    public let signingKey: SymmetricKey
    public let timestamp: String
    public let scope: String
    public let seedSignature: String
}

/// A request that passed verification.
public struct SigV4Verification: Sendable {
    public let accessKeyId: String
    public let payload: SigV4Payload
    /// `x-amz-decoded-content-length` for aws-chunked bodies: the object's real size.
    public let decodedContentLength: Int64?
    /// `x-amz-trailer`: the checksum header expected after the last chunk.
    public let trailerHeader: String?

    /// Wraps the request body so it yields the object's bytes and throws a `SigV4Error` when
    /// they do not match what was signed (checked as the bytes stream, at latest at the end).
    public func verifiedBody<Body: AsyncSequence & Sendable>(_ body: Body) -> VerifiedBody<Body> where Body.Element == ByteBuffer {
        VerifiedBody(body: body, payload: payload, decodedContentLength: decodedContentLength, trailerHeader: trailerHeader)
    }
}

/// Verifies incoming SigV4 requests: `Authorization` headers and presigned query URLs (and the
/// legacy SigV2 forms boto3 still uses for `generate_presigned_url`).
public struct SigV4Verifier: Sendable {
    public var service: String
    /// The region requests must be scoped to; nil accepts any region.
    public var region: String?
    /// How far `x-amz-date` may be from the server's clock (S3 allows 15 minutes).
    public var maximumClockSkew: TimeInterval

    public init(service: String = "s3", region: String? = nil, maximumClockSkew: TimeInterval = 900) {
        self.service = service
        self.region = region
        self.maximumClockSkew = maximumClockSkew
    }

    /// Checks a request's signature; `secret` returns the secret for an access key id, nil when
    /// the key does not exist. Requests carrying a session token are refused: long-term secrets only.
    public func verify(
        _ request: SigV4Request, now: Date = Date(), secret: (String) async throws -> String?
    ) async throws -> SigV4Verification {
        try await verify(request, now: now) { id in try await secret(id).map { SigV4SigningSecret(secret: $0) } }
    }

    /// Checks a request's signature against long-term or temporary credentials: `credential` returns what
    /// is known of an access key id (nil when it does not exist). Temporary credentials must come with their
    /// session token (`x-amz-security-token`, signed or in a presigned query) and before their expiry.
    /// `bodySHA256` is the hex SHA-256 of a body the caller has already read: the payload hash when the
    /// request has no `x-amz-content-sha256` header, as every AWS service but S3 allows.
    public func verify(
        _ request: SigV4Request, now: Date = Date(), bodySHA256: String? = nil,
        credential: (String) async throws -> SigV4SigningSecret?
    ) async throws -> SigV4Verification {
        if let authorization = request.header("authorization") {
            let token = request.header("x-amz-security-token")
            if authorization.hasPrefix("AWS ") {
                return try await verifyHeaderV2(request, credential: authorization.dropFirst(4), now: now) { id in
                    try await self.secret(id, credential: credential, token: token, now: now)
                }
            }
            return try await verifyHeader(request, authorization: authorization, now: now, bodySHA256: bodySHA256) { id in
                try await self.secret(id, credential: credential, token: token, now: now)
            }
        }
        let items = SigV4.queryItems(request.query)
        if items.contains(where: { $0.name == "X-Amz-Signature" }) {
            let token = items.first { $0.name == "X-Amz-Security-Token" }?.value
            return try await verifyPresigned(request, items: items, now: now) { id in
                try await self.secret(id, credential: credential, token: token, now: now)
            }
        }
        if items.contains(where: { $0.name == "AWSAccessKeyId" }) {
            let token = items.first { $0.name.lowercased() == "x-amz-security-token" }?.value
            return try await verifyPresignedV2(request, items: items, now: now) { id in
                try await self.secret(id, credential: credential, token: token, now: now)
            }
        }
        throw SigV4Error.missingAuthentication
    }

    /// The secret of a credential after its session token and expiry are checked.
    private func secret(
        _ accessKeyId: String, credential: (String) async throws -> SigV4SigningSecret?, token: String?, now: Date
    ) async throws -> String? {
        guard let found = try await credential(accessKeyId) else { return nil }
        switch (found.sessionTokenSHA256, token) {
        case (nil, nil): break
        case (nil, _?): throw SigV4Error.invalidToken
        case (_?, nil): throw SigV4Error.invalidToken
        case (let digest?, let token?):
            guard constantTimeEqual(digest, SigV4.sha256Hex(Array(token.utf8))) else { throw SigV4Error.invalidToken }
        }
        if let expiresAt = found.expiresAt, now >= expiresAt { throw SigV4Error.expiredToken }
        return found.secret
    }

    struct Credential {
        let accessKeyId: String
        let date: String
        let region: String
        let service: String
        var scope: String { SigV4.scope(date: date, region: region, service: service) }
    }

    func parseCredential(_ text: String) throws(SigV4Error) -> Credential {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, parts[4] == "aws4_request", parts[1].utf8.count == 8 else {
            throw .malformed("Credential must be KEYID/yyyyMMdd/region/service/aws4_request")
        }
        let credential = Credential(accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3])
        guard credential.service == service else { throw .invalidScope("service '\(credential.service)' is not '\(service)'") }
        if let region, credential.region != region {
            throw .invalidScope("region '\(credential.region)' is wrong; expecting '\(region)'")
        }
        return credential
    }

    func verifyHeader(
        _ request: SigV4Request, authorization: String, now: Date, bodySHA256: String?, secret: (String) async throws -> String?
    ) async throws -> SigV4Verification {
        let trimmed = authorization.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { throw SigV4Error.malformed("Authorization header has no parameters") }
        let algorithm = String(trimmed[..<space])
        guard algorithm == SigV4.algorithm else { throw SigV4Error.unsupportedAlgorithm(algorithm) }
        var fields: [String: String] = [:]
        for part in trimmed[space...].split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let eq = item.firstIndex(of: "=") else { throw SigV4Error.malformed("'\(item)' is not name=value") }
            fields[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        guard let credentialText = fields["Credential"], let signedText = fields["SignedHeaders"], let signature = fields["Signature"] else {
            throw SigV4Error.malformed("Authorization needs Credential, SignedHeaders and Signature")
        }
        let credential = try parseCredential(credentialText)
        let (timestamp, date) = try Self.requestTime(request)
        guard timestamp.hasPrefix(credential.date) else { throw SigV4Error.invalidScope("scope date \(credential.date) is not the request's day") }
        guard abs(date.timeIntervalSince(now)) <= maximumClockSkew else { throw SigV4Error.requestTimeTooSkewed }
        let signedHeaders = signedText.split(separator: ";").map { $0.lowercased() }
        guard signedHeaders.contains("host") else { throw SigV4Error.malformed("SignedHeaders must include host") }
        guard let payloadHash = request.header("x-amz-content-sha256") ?? bodySHA256 else {
            throw SigV4Error.malformed("x-amz-content-sha256 header is missing")
        }
        guard let secretKey = try await secret(credential.accessKeyId) else { throw SigV4Error.invalidAccessKeyId(credential.accessKeyId) }
        let canonical = SigV4.canonicalRequest(
            method: request.method, canonicalURI: SigV4.canonicalURI(rawPath: request.path),
            canonicalQuery: SigV4.canonicalQuery(SigV4.queryItems(request.query)),
            headers: try request.signedHeaderValues(signedHeaders), payloadHash: payloadHash)
        let key = SigV4.signingKey(secret: secretKey, date: credential.date, region: credential.region, service: credential.service)
        let expected = SigV4.signature(
            signingKey: key, stringToSign: SigV4.stringToSign(timestamp: timestamp, scope: credential.scope, canonicalRequest: canonical.request))
        guard constantTimeEqual(expected, signature.lowercased()) else { throw SigV4Error.signatureDoesNotMatch }

        let decoded = request.header("x-amz-decoded-content-length").flatMap { Int64($0) }
        let context = ChunkSigningContext(signingKey: key, timestamp: timestamp, scope: credential.scope, seedSignature: expected)
        let payload: SigV4Payload
        switch payloadHash {
        case SigV4.unsignedPayload: payload = .unsigned
        case SigV4.streamingPayload: payload = .signedChunks(context, trailer: false)
        case SigV4.streamingPayloadTrailer: payload = .signedChunks(context, trailer: true)
        case SigV4.streamingUnsignedPayloadTrailer: payload = .unsignedChunksWithTrailer
        default:
            guard payloadHash.utf8.count == 64, payloadHash.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                throw SigV4Error.malformed("x-amz-content-sha256 '\(payloadHash)' is neither a hex SHA-256 nor a known payload mode")
            }
            payload = .sha256(payloadHash)
        }
        return SigV4Verification(
            accessKeyId: credential.accessKeyId, payload: payload, decodedContentLength: decoded,
            trailerHeader: request.header("x-amz-trailer"))
    }

    func verifyPresigned(
        _ request: SigV4Request, items: [(name: String, value: String)], now: Date, secret: (String) async throws -> String?
    ) async throws -> SigV4Verification {
        func value(_ name: String) throws(SigV4Error) -> String {
            guard let v = items.first(where: { $0.name == name })?.value else { throw .malformed("query parameter \(name) is missing") }
            return v
        }
        let algorithm = try value("X-Amz-Algorithm")
        guard algorithm == SigV4.algorithm else { throw SigV4Error.unsupportedAlgorithm(algorithm) }
        let credential = try parseCredential(try value("X-Amz-Credential"))
        let timestamp = try value("X-Amz-Date")
        guard let date = SigV4.parseTimestamp(timestamp) else { throw SigV4Error.malformed("X-Amz-Date '\(timestamp)' is not yyyyMMddTHHmmssZ") }
        guard timestamp.hasPrefix(credential.date) else { throw SigV4Error.invalidScope("scope date \(credential.date) is not the request's day") }
        guard let expires = Int(try value("X-Amz-Expires")), (1...604_800).contains(expires) else {
            throw SigV4Error.malformed("X-Amz-Expires must be a number of seconds between 1 and 604800")
        }
        guard date.timeIntervalSince(now) <= maximumClockSkew else { throw SigV4Error.requestTimeTooSkewed }
        guard now.timeIntervalSince(date) <= TimeInterval(expires) else { throw SigV4Error.requestExpired }
        let signedHeaders = try value("X-Amz-SignedHeaders").split(separator: ";").map { $0.lowercased() }
        guard signedHeaders.contains("host") else { throw SigV4Error.malformed("X-Amz-SignedHeaders must include host") }
        let signature = try value("X-Amz-Signature")
        guard let secretKey = try await secret(credential.accessKeyId) else { throw SigV4Error.invalidAccessKeyId(credential.accessKeyId) }
        let payloadHash = items.first { $0.name == "X-Amz-Content-Sha256" }?.value ?? SigV4.unsignedPayload
        let canonical = SigV4.canonicalRequest(
            method: request.method, canonicalURI: SigV4.canonicalURI(rawPath: request.path),
            canonicalQuery: SigV4.canonicalQuery(items.filter { $0.name != "X-Amz-Signature" }),
            headers: try request.signedHeaderValues(signedHeaders), payloadHash: payloadHash)
        let key = SigV4.signingKey(secret: secretKey, date: credential.date, region: credential.region, service: credential.service)
        let expected = SigV4.signature(
            signingKey: key, stringToSign: SigV4.stringToSign(timestamp: timestamp, scope: credential.scope, canonicalRequest: canonical.request))
        guard constantTimeEqual(expected, signature.lowercased()) else { throw SigV4Error.signatureDoesNotMatch }
        let payload: SigV4Payload = payloadHash == SigV4.unsignedPayload ? .unsigned : .sha256(payloadHash)
        return SigV4Verification(accessKeyId: credential.accessKeyId, payload: payload, decodedContentLength: nil, trailerHeader: nil)
    }
}

extension SigV4Verifier {
    /// The request's signing time: `x-amz-date`, or else the `Date` header (RFC 1123), which SigV4 allows
    /// in its place; the string to sign always carries the basic ISO 8601 form.
    static func requestTime(_ request: SigV4Request) throws(SigV4Error) -> (timestamp: String, date: Date) {
        if let timestamp = request.header("x-amz-date") {
            guard let date = SigV4.parseTimestamp(timestamp) else { throw .malformed("x-amz-date '\(timestamp)' is not yyyyMMddTHHmmssZ") }
            return (timestamp, date)
        }
        guard let text = request.header("date") else { throw .malformed("neither an x-amz-date nor a Date header is present") }
        guard let date = SigV4.parseTimestamp(text) ?? HTTPDate.parse(text) else {
            throw .malformed("Date '\(text)' is neither an RFC 1123 date nor yyyyMMddTHHmmssZ")
        }
        return (SigV4.timestamp(date), date)
    }
}

/// What verification needs to know of one access key id: its secret and, for temporary credentials,
/// the SHA-256 of their session token and when they expire.
public struct SigV4SigningSecret: Sendable {
    public var secret: String
    /// Hex SHA-256 of the session token the request must carry; nil for long-term keys, which must carry none.
    public var sessionTokenSHA256: String?
    public var expiresAt: Date?

    public init(secret: String, sessionTokenSHA256: String? = nil, expiresAt: Date? = nil) {
        self.secret = secret
        self.sessionTokenSHA256 = sessionTokenSHA256
        self.expiresAt = expiresAt
    }
}

/// Compares two strings without an early exit, so timing does not leak how much matched.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<x.count { difference |= x[i] ^ y[i] }
    return difference == 0
}

import NIOCore
