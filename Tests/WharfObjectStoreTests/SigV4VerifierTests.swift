import Foundation
import NIOCore
import Testing
@testable import WharfObjectStore

/// The server side: requests signed by `SigV4Signer` verify, and every way of getting it wrong
/// gives its own error.
@Suite("SigV4Verifier")
struct SigV4VerifierTests {
    let credentials = SigV4Credentials(accessKeyId: "WHARFKEY1", secretAccessKey: "s3cr3t/with+chars")
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let verifier = SigV4Verifier(region: "us-east-1")

    func lookup(_ id: String) -> String? { id == "WHARFKEY1" ? "s3cr3t/with+chars" : nil }

    func signed(
        method: String = "PUT", path: String = "/bucket/a%20dir/file%2Bplus.txt", query: String = "x-id=PutObject&tagging=",
        payload: String, date: Date? = nil, secret: String? = nil
    ) -> SigV4Request {
        var request = SigV4Request(method: method, path: path, query: query, headers: [("Host", "127.0.0.1:8080"), ("Content-Type", "text/plain")])
        var creds = credentials
        if let secret { creds.secretAccessKey = secret }
        SigV4Signer(credentials: creds, region: "us-east-1").sign(&request, payloadHash: payload, date: date ?? now)
        return request
    }

    @Test func signedRequestVerifiesWithItsPayloadMode() async throws {
        let body = Array("hello".utf8)
        let result = try await verifier.verify(signed(payload: SigV4.sha256Hex(body)), now: now, secret: lookup)
        #expect(result.accessKeyId == "WHARFKEY1")
        guard case .sha256(let hash) = result.payload else {
            Issue.record("expected a signed payload")
            return
        }
        #expect(hash == SigV4.sha256Hex(body))
        let unsigned = try await verifier.verify(signed(payload: SigV4.unsignedPayload), now: now, secret: lookup)
        guard case .unsigned = unsigned.payload else {
            Issue.record("expected UNSIGNED-PAYLOAD")
            return
        }
    }

    @Test func wrongSecretOrTamperingFails() async throws {
        await #expect(throws: SigV4Error.signatureDoesNotMatch) {
            _ = try await verifier.verify(signed(payload: SigV4.unsignedPayload, secret: "other"), now: now, secret: lookup)
        }
        var tampered = signed(payload: SigV4.unsignedPayload)
        tampered.path = "/bucket/other.txt"
        await #expect(throws: SigV4Error.signatureDoesNotMatch) { _ = try await verifier.verify(tampered, now: now, secret: lookup) }
        var header = signed(payload: SigV4.unsignedPayload)
        header.headers = header.headers.map { $0.name == "Content-Type" ? ($0.name, "text/html") : $0 }
        await #expect(throws: SigV4Error.signatureDoesNotMatch) { _ = try await verifier.verify(header, now: now, secret: lookup) }
        var query = signed(payload: SigV4.unsignedPayload)
        query.query += "&extra=1"
        await #expect(throws: SigV4Error.signatureDoesNotMatch) { _ = try await verifier.verify(query, now: now, secret: lookup) }
    }

    @Test func distinctErrors() async throws {
        await #expect(throws: SigV4Error.invalidAccessKeyId("WHARFKEY1")) {
            _ = try await verifier.verify(signed(payload: SigV4.unsignedPayload), now: now) { _ in nil }
        }
        await #expect(throws: SigV4Error.requestTimeTooSkewed) {
            _ = try await verifier.verify(signed(payload: SigV4.unsignedPayload, date: now.addingTimeInterval(-3600)), now: now, secret: lookup)
        }
        await #expect(throws: SigV4Error.missingAuthentication) {
            _ = try await verifier.verify(SigV4Request(method: "GET", path: "/"), now: now, secret: lookup)
        }
        var garbage = SigV4Request(method: "GET", path: "/", headers: [("Host", "h"), ("Authorization", "AWS4-HMAC-SHA256 nonsense")])
        await #expect(throws: SigV4Error.self) { _ = try await verifier.verify(garbage, now: now, secret: lookup) }
        garbage.headers = [("Host", "h"), ("Authorization", "AWS4-HMAC-SHA512 Credential=x")]
        await #expect(throws: SigV4Error.unsupportedAlgorithm("AWS4-HMAC-SHA512")) { _ = try await verifier.verify(garbage, now: now, secret: lookup) }
        let otherRegion = SigV4Verifier(region: "eu-west-1")
        let error = await #expect(throws: SigV4Error.self) {
            _ = try await otherRegion.verify(signed(payload: SigV4.unsignedPayload), now: now, secret: lookup)
        }
        #expect(error?.s3Code == "AuthorizationHeaderMalformed")
        #expect(SigV4Error.signatureDoesNotMatch.httpStatus == 403)
        #expect(SigV4Error.requestExpired.s3Code == "AccessDenied")
    }

    @Test func bodyHashIsChecked() async throws {
        let body = Array("the real body".utf8)
        let result = try await verifier.verify(signed(payload: SigV4.sha256Hex(body)), now: now, secret: lookup)
        var collected = 0
        for try await chunk in result.verifiedBody(Pieces(pieces: [ByteBuffer(bytes: body.prefix(4)), ByteBuffer(bytes: body.dropFirst(4))])) {
            collected += chunk.readableBytes
        }
        #expect(collected == body.count)
        await #expect(throws: SigV4Error.contentSHA256Mismatch) {
            for try await _ in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: "another body")])) {}
        }
    }

    @Test func presignedURLVerifiesUntilItExpires() async throws {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
        let url = try signer.presignedURL(method: "GET", scheme: "http", host: "127.0.0.1:8080", path: "/bucket/data/x.csv", expires: 600, date: now)
        let components = URLComponents(string: url)!
        let request = SigV4Request(method: "GET", path: components.percentEncodedPath, query: components.percentEncodedQuery!, headers: [("Host", "127.0.0.1:8080")])
        let ok = try await verifier.verify(request, now: now.addingTimeInterval(599), secret: lookup)
        #expect(ok.accessKeyId == "WHARFKEY1")
        await #expect(throws: SigV4Error.requestExpired) { _ = try await verifier.verify(request, now: now.addingTimeInterval(601), secret: lookup) }
        var otherMethod = request
        otherMethod.method = "PUT"
        await #expect(throws: SigV4Error.signatureDoesNotMatch) { _ = try await verifier.verify(otherMethod, now: now, secret: lookup) }
        var otherKey = request
        otherKey.path = "/bucket/data/y.csv"
        await #expect(throws: SigV4Error.signatureDoesNotMatch) { _ = try await verifier.verify(otherKey, now: now, secret: lookup) }
        #expect(throws: SigV4Error.self) { _ = try signer.presignedURL(method: "GET", scheme: "http", host: "h", path: "/", expires: 604_801) }
    }

    /// What boto3 and the AWS CLI send by default now: unsigned chunks with a CRC32 trailer.
    @Test func unsignedPayloadWithChecksumTrailer() async throws {
        var request = SigV4Request(method: "PUT", path: "/b/k", headers: [
            ("Host", "127.0.0.1:8080"), ("Content-Encoding", "aws-chunked"), ("x-amz-trailer", "x-amz-checksum-crc32"),
            ("x-amz-decoded-content-length", "11"),
        ])
        SigV4Signer(credentials: credentials, region: "us-east-1").sign(&request, payloadHash: SigV4.streamingUnsignedPayloadTrailer, date: now)
        let result = try await verifier.verify(request, now: now, secret: lookup)
        // CRC32 of "hello world" is 0x0d4a1185.
        let good = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
        var text = ""
        for try await chunk in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: good)])) { text += String(buffer: chunk) }
        #expect(text == "hello world")
        let bad = good.replacingOccurrences(of: "DUoRhQ==", with: "AAAAAA==")
        await #expect(throws: SigV4Error.chunkSignatureMismatch) {
            for try await _ in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: bad)])) {}
        }
        await #expect(throws: SigV4Error.self) {
            for try await _ in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: "zz\r\nhello\r\n")])) {}
        }
    }

    /// Signed chunks followed by a signed checksum trailer, built with the shared primitives.
    @Test func signedChunksWithSignedTrailer() async throws {
        var request = SigV4Request(method: "PUT", path: "/b/k", headers: [
            ("Host", "127.0.0.1:8080"), ("Content-Encoding", "aws-chunked"), ("x-amz-trailer", "x-amz-checksum-crc32"),
            ("x-amz-decoded-content-length", "11"),
        ])
        SigV4Signer(credentials: credentials, region: "us-east-1").sign(&request, payloadHash: SigV4.streamingPayloadTrailer, date: now)
        let seed = request.header("authorization")!.components(separatedBy: "Signature=").last!
        let timestamp = SigV4.timestamp(now)
        let day = String(timestamp.prefix(8))
        let scope = SigV4.scope(date: day, region: "us-east-1", service: "s3")
        let key = SigV4.signingKey(secret: credentials.secretAccessKey, date: day, region: "us-east-1", service: "s3")
        func chunkSignature(_ previous: String, _ data: String) -> String {
            SigV4.signature(signingKey: key, stringToSign: "AWS4-HMAC-SHA256-PAYLOAD\n\(timestamp)\n\(scope)\n\(previous)\n\(SigV4.emptyPayloadHash)\n\(SigV4.sha256Hex(Array(data.utf8)))")
        }
        let s1 = chunkSignature(seed, "hello world")
        let s2 = chunkSignature(s1, "")
        func body(checksum: String) -> String {
            let trailer = "x-amz-checksum-crc32:\(checksum)\n"
            let trailerSignature = SigV4.signature(signingKey: key, stringToSign: "AWS4-HMAC-SHA256-TRAILER\n\(timestamp)\n\(scope)\n\(s2)\n\(SigV4.sha256Hex(Array(trailer.utf8)))")
            return "b;chunk-signature=\(s1)\r\nhello world\r\n0;chunk-signature=\(s2)\r\nx-amz-checksum-crc32:\(checksum)\r\nx-amz-trailer-signature:\(trailerSignature)\r\n\r\n"
        }
        let result = try await verifier.verify(request, now: now, secret: lookup)
        var text = ""
        for try await chunk in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: body(checksum: "DUoRhQ=="))])) { text += String(buffer: chunk) }
        #expect(text == "hello world")
        await #expect(throws: SigV4Error.chunkSignatureMismatch) {
            for try await _ in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: body(checksum: "AAAAAA=="))])) {}
        }
        let forged = body(checksum: "DUoRhQ==").replacingOccurrences(of: "x-amz-trailer-signature:", with: "x-amz-trailer-signature:0")
        await #expect(throws: SigV4Error.self) {
            for try await _ in result.verifiedBody(Pieces(pieces: [ByteBuffer(string: forged)])) {}
        }
    }

    @Test func canonicalPathEncoding() {
        // S3 decodes the wire path once and re-encodes strictly; it never normalizes.
        #expect(SigV4.canonicalURI(rawPath: "/b/a b+c") == "/b/a%20b%2Bc")
        #expect(SigV4.canonicalURI(rawPath: "/b/a%20b%2Bc") == "/b/a%20b%2Bc")
        #expect(SigV4.canonicalURI(rawPath: "/b//x/../y") == "/b//x/../y")
        #expect(SigV4.canonicalURI(rawPath: "") == "/")
        #expect(SigV4.uriEncode("é~", encodeSlash: true) == "%C3%A9~")
    }
}
