/// Why an incoming request failed SigV4 verification; each case maps onto one S3 error code.
public enum SigV4Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// Neither an `Authorization` header nor presigned query parameters.
    case missingAuthentication
    /// The header or query parameters do not parse, or a signed header is missing.
    case malformed(String)
    case unsupportedAlgorithm(String)
    case invalidAccessKeyId(String)
    case signatureDoesNotMatch
    /// A presigned URL past its `X-Amz-Expires`.
    case requestExpired
    /// `x-amz-date` further than the allowed skew from the server's clock.
    case requestTimeTooSkewed
    /// The credential scope names another region or service, or another day than the request.
    case invalidScope(String)
    /// The body's SHA-256 differs from `x-amz-content-sha256`.
    case contentSHA256Mismatch
    /// An aws-chunked chunk's signature or a trailer checksum is wrong.
    case chunkSignatureMismatch
    case invalidChunk(String)
    /// The body ended before the aws-chunked terminator.
    case incompleteBody
    /// A session token that does not belong to the credential, or one sent with a long-term key, or missing.
    case invalidToken
    /// Temporary credentials past their expiry.
    case expiredToken

    /// The S3 error code the API layer answers with.
    public var s3Code: String {
        switch self {
        case .missingAuthentication: "AccessDenied"
        case .malformed, .invalidScope: "AuthorizationHeaderMalformed"
        case .unsupportedAlgorithm: "InvalidRequest"
        case .invalidAccessKeyId: "InvalidAccessKeyId"
        case .signatureDoesNotMatch, .chunkSignatureMismatch: "SignatureDoesNotMatch"
        case .requestExpired: "AccessDenied"
        case .requestTimeTooSkewed: "RequestTimeTooSkewed"
        case .contentSHA256Mismatch: "XAmzContentSHA256Mismatch"
        case .invalidChunk: "InvalidChunkSizeError"
        case .incompleteBody: "IncompleteBody"
        case .invalidToken: "InvalidToken"
        case .expiredToken: "ExpiredToken"
        }
    }

    public var httpStatus: Int {
        switch self {
        case .missingAuthentication, .invalidAccessKeyId, .signatureDoesNotMatch, .chunkSignatureMismatch,
            .requestExpired, .requestTimeTooSkewed:
            403
        default: 400
        }
    }

    public var description: String {
        switch self {
        case .missingAuthentication: "the request carries no SigV4 authentication"
        case .malformed(let m): "malformed SigV4 authentication: \(m)"
        case .unsupportedAlgorithm(let a): "unsupported signing algorithm '\(a)'"
        case .invalidAccessKeyId(let id): "the access key id '\(id)' does not exist"
        case .signatureDoesNotMatch: "the request signature does not match the one computed with your secret"
        case .requestExpired: "Request has expired"
        case .requestTimeTooSkewed: "the difference between the request time and the server's time is too large"
        case .invalidScope(let m): "credential scope: \(m)"
        case .contentSHA256Mismatch: "the body's SHA-256 does not match x-amz-content-sha256"
        case .chunkSignatureMismatch: "an aws-chunked chunk signature or trailer checksum does not match"
        case .invalidChunk(let m): "malformed aws-chunked body: \(m)"
        case .incompleteBody: "the body ended before the announced end"
        case .invalidToken: "The provided token is malformed or otherwise invalid."
        case .expiredToken: "The provided token has expired."
        }
    }
}
