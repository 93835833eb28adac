import Foundation
import WharfObjectStore
import WharfPlatform

/// Verifies a front-door request's SigV4 signature (header or presigned, long-term keys or temporary
/// credentials with their session token) and names the caller. A server running open accepts anyone.
struct AWSAuthenticator: Sendable {
    let keys: KeyService
    let access: AccessPolicy

    func authenticate(_ request: AWSWireRequest, signingName: String) async throws -> AWSCaller {
        if try await access.isOpen() { return .anonymous }
        let bodyHash = SigV4.sha256Hex(request.body)
        if let declared = request.header("x-amz-content-sha256"), declared != SigV4.unsignedPayload, declared != bodyHash {
            throw AWSError(.signatureDoesNotMatch, "the body's SHA-256 does not match x-amz-content-sha256")
        }
        let keys = self.keys
        let box = CredentialBox()
        do {
            _ = try await SigV4Verifier(service: signingName).verify(request.signable, bodySHA256: bodyHash) { accessKeyId in
                guard let found = try await keys.signingCredential(forAccessKeyId: accessKeyId) else { return nil }
                box.found = found
                return found.sigV4
            }
        } catch let error as SigV4Error {
            throw Self.error(error)
        }
        guard let found = box.found else { throw AWSError(.unrecognizedClient, "The security token included in the request is invalid.") }
        return AWSCaller(key: found.key, accessKeyId: found.accessKeyId, session: found.session)
    }

    /// The credential the verifier looked up, kept for naming the caller.
    private final class CredentialBox: @unchecked Sendable {
        var found: SigningCredential?
    }

    static func error(_ error: SigV4Error) -> AWSError {
        switch error {
        case .missingAuthentication: AWSError(.missingAuthentication, "Missing Authentication Token")
        case .malformed, .unsupportedAlgorithm, .invalidScope: AWSError(.incompleteSignature, error.description)
        case .invalidAccessKeyId: AWSError(.unrecognizedClient, "The security token included in the request is invalid.")
        case .signatureDoesNotMatch, .contentSHA256Mismatch, .chunkSignatureMismatch:
            AWSError(.signatureDoesNotMatch, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
        case .requestExpired: AWSError(.requestExpired, "Request has expired")
        case .requestTimeTooSkewed: AWSError(.requestExpired, "Signature expired: the request time is too far from the server's time")
        case .invalidChunk, .incompleteBody: AWSError(.malformedBody, error.description)
        case .invalidToken: AWSError(.invalidToken, "The security token included in the request is invalid.")
        case .expiredToken: AWSError(.expiredToken, "The security token included in the request is expired")
        }
    }
}
