import Crypto
import NIOCore
@testable import WharfObjectStore

/// `Content-Encoding: aws-chunked` bodies, unsigned with a checksum trailer or signed per chunk,
/// fed in pieces whose size comes from the first byte (chunk headers and CRLFs split anywhere).
enum AWSChunkedTarget {
    static let trailers = [nil, "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha256",
                           "x-amz-checksum-sha1", "x-amz-checksum-unknown"]
    static let signing = ChunkSigningContext(
        signingKey: SigV4.signingKey(secret: "secret", date: "20240101", region: "us-east-1", service: "s3"),
        timestamp: "20240101T000000Z", scope: "20240101/us-east-1/s3/aws4_request", seedSignature: String(repeating: "0", count: 64))

    static let target = FuzzTarget(name: "awschunked", summary: "WharfObjectStore AWSChunkedDecoder") { buffer in
        var input = FuzzInput(buffer)
        let flags = input.byte()
        let piece = Int(input.byte()) + 1
        let trailer = trailers[Int(flags >> 2) % trailers.count]
        var decoder = AWSChunkedDecoder(signing: flags & 1 == 0 ? nil : signing, hasTrailer: flags & 2 != 0, trailerHeader: trailer)
        let body = input.rest
        var decoded = 0
        var offset = 0
        do {
            while offset < body.count {
                let end = min(body.count, offset + piece)
                var slice = ByteBuffer(bytes: body[offset..<end])
                for part in try decoder.decode(&slice) { decoded += part.readableBytes }
                precondition(slice.readableBytes == 0, "decode left \(slice.readableBytes) bytes unread")
                offset = end
            }
            try decoder.finish()
        } catch {
            return
        }
        precondition(Int64(decoded) == decoder.decodedLength, "decodedLength \(decoder.decodedLength) is not the \(decoded) bytes yielded")
    }
}
