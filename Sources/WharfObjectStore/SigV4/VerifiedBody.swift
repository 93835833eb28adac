import Crypto
import NIOCore

/// A request body checked against its SigV4 payload promise as it streams: plain, hashed and
/// compared at the end, or aws-chunked decoded with every chunk signature checked.
public struct VerifiedBody<Body: AsyncSequence & Sendable>: AsyncSequence, Sendable where Body.Element == ByteBuffer {
    public typealias Element = ByteBuffer
    let body: Body
    let payload: SigV4Payload
    let decodedContentLength: Int64?
    let trailerHeader: String?

    init(body: Body, payload: SigV4Payload, decodedContentLength: Int64?, trailerHeader: String? = nil) {
        self.body = body
        self.payload = payload
        self.decodedContentLength = decodedContentLength
        self.trailerHeader = trailerHeader
    }

    /// Decodes or hashes the upstream chunks and checks them at the end.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var upstream: Body.AsyncIterator
        var hash: SHA256?
        let expectedHash: String?
        var decoder: AWSChunkedDecoder?
        var ready: [ByteBuffer] = []
        var finished = false
        let decodedContentLength: Int64?

        public mutating func next() async throws -> ByteBuffer? {
            while true {
                if !ready.isEmpty { return ready.removeFirst() }
                if finished { return nil }
                guard var chunk = try await upstream.next() else {
                    finished = true
                    try finish()
                    return nil
                }
                if decoder != nil {
                    ready = try decoder!.decode(&chunk)
                } else {
                    if hash != nil { chunk.withUnsafeReadableBytes { hash!.update(bufferPointer: $0) } }
                    return chunk
                }
            }
        }

        func finish() throws {
            if let expectedHash, let hash {
                guard hash.finalize().hexString == expectedHash else { throw SigV4Error.contentSHA256Mismatch }
            }
            if let decoder {
                try decoder.finish()
                if let decodedContentLength, decodedContentLength != decoder.decodedLength {
                    throw SigV4Error.invalidChunk("decoded \(decoder.decodedLength) bytes but x-amz-decoded-content-length is \(decodedContentLength)")
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch payload {
        case .unsigned:
            return AsyncIterator(upstream: body.makeAsyncIterator(), hash: nil, expectedHash: nil, decoder: nil, decodedContentLength: nil)
        case .sha256(let expected):
            return AsyncIterator(upstream: body.makeAsyncIterator(), hash: SHA256(), expectedHash: expected, decoder: nil, decodedContentLength: nil)
        case .signedChunks(let context, let trailer):
            return AsyncIterator(
                upstream: body.makeAsyncIterator(), hash: nil, expectedHash: nil,
                decoder: AWSChunkedDecoder(signing: context, hasTrailer: trailer, trailerHeader: trailerHeader),
                decodedContentLength: decodedContentLength)
        case .unsignedChunksWithTrailer:
            return AsyncIterator(
                upstream: body.makeAsyncIterator(), hash: nil, expectedHash: nil,
                decoder: AWSChunkedDecoder(signing: nil, hasTrailer: true, trailerHeader: trailerHeader),
                decodedContentLength: decodedContentLength)
        }
    }
}
