import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WharfObjectStore
import WharfPlatform

/// Authenticates S3 calls with SigV4 against Wharf's API keys and checks the key's role.
/// On a server running open (loopback, no keys yet) any call is accepted and signatures are not checked.
struct S3Authenticator: Sendable {
    let keys: KeyService
    let access: AccessPolicy
    let verifier = SigV4Verifier(service: "s3")

    struct Caller {
        let principal: Principal
        let verification: SigV4Verification?
    }

    func authenticate(_ request: S3Request) async throws -> Caller {
        if try await access.isOpen() {
            return Caller(principal: .anonymous, verification: nil)
        }
        let verification: SigV4Verification
        do {
            // Long-term keys and STS temporary credentials (their session token and expiry checked by the verifier).
            verification = try await verifier.verify(request.signable) { accessKeyId in
                try await keys.signingCredential(forAccessKeyId: accessKeyId)?.sigV4
            }
        } catch let error as SigV4Error {
            throw S3Error(error)
        }
        return try await authorize(request, accessKeyId: verification.accessKeyId, verification: verification)
    }

    private func authorize(_ request: S3Request, accessKeyId: String, verification: SigV4Verification) async throws -> Caller {
        guard let found = try await keys.signingCredential(forAccessKeyId: accessKeyId) else {
            throw S3Error(.invalidAccessKeyId(accessKeyId))
        }
        let needed: Role = request.isRead ? .read : .write
        guard found.key.role.allows(needed) else {
            throw S3Error.accessDenied("key \(found.key.accessKeyId) has role '\(found.key.role.rawValue)'; \(request.operation) needs '\(needed.rawValue)'")
        }
        return Caller(principal: .key(found.key), verification: verification)
    }

    /// The object bytes of an upload: checked against the signature when there is one, and
    /// decoded from aws-chunked framing whenever the client used it.
    func body(of request: Request, s3: S3Request, caller: Caller) -> ObjectBody {
        if let verification = caller.verification {
            return ObjectBody(verification.verifiedBody(request.body))
        }
        let contentHash = s3.header("x-amz-content-sha256") ?? ""
        let encoding = s3.header("content-encoding") ?? ""
        if contentHash.hasPrefix("STREAMING-") || encoding.contains("aws-chunked") {
            return ObjectBody(UnverifiedChunkedBody(
                upstream: request.body,
                hasTrailer: contentHash.hasSuffix("-TRAILER") || s3.header("x-amz-trailer") != nil,
                trailerHeader: s3.header("x-amz-trailer")
            ))
        }
        return ObjectBody(request.body)
    }
}

/// aws-chunked framing removed without checking chunk signatures: for a server running open.
struct UnverifiedChunkedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let upstream: RequestBody
    let hasTrailer: Bool
    let trailerHeader: String?

    struct AsyncIterator: AsyncIteratorProtocol {
        var upstream: RequestBody.AsyncIterator
        var decoder: AWSChunkedDecoder
        var ready: [ByteBuffer] = []
        var finished = false

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if !ready.isEmpty { return ready.removeFirst() }
                if finished { return nil }
                guard var chunk = try await upstream.next() else {
                    finished = true
                    try decoder.finish()
                    return nil
                }
                ready = try decoder.decode(&chunk)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            upstream: upstream.makeAsyncIterator(),
            decoder: AWSChunkedDecoder(signing: nil, hasTrailer: hasTrailer, trailerHeader: trailerHeader)
        )
    }
}
