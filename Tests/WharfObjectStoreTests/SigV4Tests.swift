import Foundation
import NIOCore
import Testing
@testable import WharfObjectStore

/// AWS's published SigV4 examples: the `get-vanilla` family of the SigV4 test suite and the
/// worked S3 examples (header auth, presigned URL, aws-chunked upload).
@Suite("SigV4 against AWS's published vectors")
struct SigV4VectorTests {
    static let suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let s3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let s3Date = SigV4.parseTimestamp("20130524T000000Z")!

    func suiteSignature(path: String, query: String) -> String {
        let canonical = SigV4.canonicalRequest(
            method: "GET", canonicalURI: SigV4.canonicalURI(rawPath: path),
            canonicalQuery: SigV4.canonicalQuery(SigV4.queryItems(query)),
            headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
            payloadHash: SigV4.emptyPayloadHash)
        let scope = SigV4.scope(date: "20150830", region: "us-east-1", service: "service")
        let key = SigV4.signingKey(secret: Self.suiteSecret, date: "20150830", region: "us-east-1", service: "service")
        return SigV4.signature(signingKey: key, stringToSign: SigV4.stringToSign(timestamp: "20150830T123600Z", scope: scope, canonicalRequest: canonical.request))
    }

    @Test func signingKeyExample() {
        let key = SigV4.signingKey(secret: Self.suiteSecret, date: "20120215", region: "us-east-1", service: "iam")
        #expect(key.withUnsafeBytes { Array($0) }.hexString == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    @Test func getVanilla() {
        #expect(suiteSignature(path: "/", query: "") == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func getVanillaQueryOrderKeyCase() {
        #expect(suiteSignature(path: "/", query: "Param2=value2&Param1=value1") == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    @Test func getVanillaEmptyQueryKey() {
        #expect(suiteSignature(path: "/", query: "Param1=value1") == "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb")
    }

    @Test func getVanillaQueryUnreserved() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        #expect(suiteSignature(path: "/", query: "\(unreserved)=\(unreserved)") == "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")
    }

    @Test func getVanillaUTF8Query() {
        #expect(suiteSignature(path: "/", query: "%E1%88%B4=bar") == "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")
    }

    func s3Request(method: String, path: String, query: String = "", extra: [(name: String, value: String)], payload: String) -> SigV4Request {
        var request = SigV4Request(method: method, path: path, query: query, headers: [("Host", "examplebucket.s3.amazonaws.com")] + extra)
        let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.s3Secret), region: "us-east-1")
        signer.sign(&request, payloadHash: payload, date: Self.s3Date)
        return request
    }

    func signatureOf(_ request: SigV4Request) -> String? {
        request.header("authorization").flatMap { $0.components(separatedBy: "Signature=").last }
    }

    @Test func s3GetObjectWithRange() {
        let request = s3Request(method: "GET", path: "/test.txt", extra: [("Range", "bytes=0-9")], payload: SigV4.emptyPayloadHash)
        #expect(signatureOf(request) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(request.header("authorization")?.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,") == true)
    }

    @Test func s3PutObject() {
        let request = s3Request(
            method: "PUT", path: "/test%24file.text",
            extra: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payload: SigV4.sha256Hex(Array("Welcome to Amazon S3.".utf8)))
        #expect(signatureOf(request) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func s3GetBucketLifecycleAndList() {
        let lifecycle = s3Request(method: "GET", path: "/", query: "lifecycle", extra: [], payload: SigV4.emptyPayloadHash)
        #expect(signatureOf(lifecycle) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
        let list = s3Request(method: "GET", path: "/", query: "max-keys=2&prefix=J", extra: [], payload: SigV4.emptyPayloadHash)
        #expect(signatureOf(list) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func s3PresignedURL() throws {
        let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.s3Secret), region: "us-east-1")
        let url = try signer.presignedURL(method: "GET", scheme: "https", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", expires: 86400, date: Self.s3Date)
        #expect(url.hasSuffix("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
        #expect(url.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"))
    }

    /// The chunked-upload example: 64 KiB + 1 KiB of `a`, each chunk signed in a chain.
    static let chunkedHeaders: [(name: String, value: String)] = [
        ("Host", "s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), ("Content-Encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"), ("Content-Length", "66824"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
    ]

    static func chunkedBody(finalSignature: String = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9") -> [UInt8] {
        var body: [UInt8] = []
        body += Array("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n".utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: 65536) + Array("\r\n".utf8)
        body += Array("400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n".utf8)
        body += [UInt8](repeating: UInt8(ascii: "a"), count: 1024) + Array("\r\n".utf8)
        body += Array("0;chunk-signature=\(finalSignature)\r\n\r\n".utf8)
        return body
    }

    /// Decodes through the verifier; returns the payload length and whether it was all `a`.
    static func verifyChunked(_ bytes: [UInt8], pieceSize: Int) async throws -> (length: Int, allA: Bool) {
        let verifier = SigV4Verifier(region: "us-east-1")
        let request = SigV4Request(method: "PUT", path: "/examplebucket/chunkObject.txt", headers: chunkedHeaders)
        let verification = try await verifier.verify(request, now: s3Date) { $0 == "AKIAIOSFODNN7EXAMPLE" ? s3Secret : nil }
        var pieces: [ByteBuffer] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            pieces.append(ByteBuffer(bytes: bytes[offset..<end]))
            offset = end
        }
        var total = 0
        var allA = true
        for try await chunk in verification.verifiedBody(Pieces(pieces: pieces)) {
            allA = allA && chunk.readableBytesView.allSatisfy { $0 == UInt8(ascii: "a") }
            total += chunk.readableBytes
        }
        return (total, allA)
    }

    @Test(arguments: [1, 7, 4096, 1 << 20])
    func s3ChunkedUploadDecodesAndVerifies(pieceSize: Int) async throws {
        #expect(Self.chunkedBody().count == 66824)
        let decoded = try await Self.verifyChunked(Self.chunkedBody(), pieceSize: pieceSize)
        #expect(decoded.length == 66560)
        #expect(decoded.allA)
    }

    @Test func tamperedChunkIsRejected() async throws {
        var body = Self.chunkedBody()
        body[200] = UInt8(ascii: "b")
        await #expect(throws: SigV4Error.chunkSignatureMismatch) { _ = try await Self.verifyChunked(body, pieceSize: 8192) }
        let wrongFinal = Self.chunkedBody(finalSignature: String(repeating: "0", count: 64))
        await #expect(throws: SigV4Error.chunkSignatureMismatch) { _ = try await Self.verifyChunked(wrongFinal, pieceSize: 8192) }
        let truncated = Array(Self.chunkedBody().prefix(60000))
        await #expect(throws: SigV4Error.incompleteBody) { _ = try await Self.verifyChunked(truncated, pieceSize: 8192) }
    }
}

/// A body delivered in given pieces.
struct Pieces: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let pieces: [ByteBuffer]
    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let pieces: [ByteBuffer]
        mutating func next() async -> ByteBuffer? {
            guard index < pieces.count else { return nil }
            defer { index += 1 }
            return pieces[index]
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pieces: pieces) }
}
