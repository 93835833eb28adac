import Foundation
import NIOCore
import Testing
@testable import WharfObjectStore

/// Requests signed by the real boto3 client verify, bodies included; tampering with any of them fails.
@Suite("SigV4Verifier against requests signed by boto3")
struct BotocoreCompatibilityTests {
    func lookup(_ id: String) -> String? { id == "BOTOKEY" ? "boto/secret+key" : nil }

    func request(_ captured: CapturedRequest) -> SigV4Request {
        SigV4Request(method: captured.method, path: captured.path, query: captured.query, headers: captured.headers)
    }

    func signedAt(_ request: SigV4Request) -> Date { SigV4.parseTimestamp(request.header("x-amz-date")!)! }

    @Test(arguments: BotocoreFixtures.requests.indices)
    func botocoreRequestVerifies(_ index: Int) async throws {
        let captured = BotocoreFixtures.requests[index]
        let signed = request(captured)
        let result = try await SigV4Verifier(region: "us-east-1").verify(signed, now: signedAt(signed).addingTimeInterval(30), secret: lookup)
        #expect(result.accessKeyId == "BOTOKEY")
        if let base64 = captured.body, let data = Data(base64Encoded: base64) {
            var length = 0
            for try await chunk in result.verifiedBody(Pieces(pieces: [ByteBuffer(bytes: data)])) { length += chunk.readableBytes }
            #expect(length == data.count)
            if !data.isEmpty {
                var altered = data
                altered[0] ^= 1
                await #expect(throws: SigV4Error.contentSHA256Mismatch) {
                    for try await _ in result.verifiedBody(Pieces(pieces: [ByteBuffer(bytes: altered)])) {}
                }
            }
        }
        var tampered = signed
        tampered.path += "x"
        await #expect(throws: SigV4Error.signatureDoesNotMatch) {
            _ = try await SigV4Verifier().verify(tampered, now: signedAt(signed), secret: lookup)
        }
    }

    @Test func botoPresignedURLVerifiesUntilExpiry() async throws {
        let components = URLComponents(string: BotocoreFixtures.presignedURL)!
        let request = SigV4Request(method: "GET", path: components.percentEncodedPath, query: components.percentEncodedQuery!, headers: [("Host", "127.0.0.1")])
        let expires = Double(components.queryItems!.first { $0.name == "Expires" }!.value!)!
        let ok = try await SigV4Verifier().verify(request, now: Date(timeIntervalSince1970: expires - 60), secret: lookup)
        #expect(ok.accessKeyId == "BOTOKEY")
        await #expect(throws: SigV4Error.requestExpired) {
            _ = try await SigV4Verifier().verify(request, now: Date(timeIntervalSince1970: expires + 1), secret: lookup)
        }
        var other = request
        other.path = "/bkt/dir/other.csv"
        await #expect(throws: SigV4Error.signatureDoesNotMatch) {
            _ = try await SigV4Verifier().verify(other, now: Date(timeIntervalSince1970: expires - 60), secret: lookup)
        }
        await #expect(throws: SigV4Error.invalidAccessKeyId("BOTOKEY")) {
            _ = try await SigV4Verifier().verify(request, now: Date(timeIntervalSince1970: expires - 60)) { _ in nil }
        }
    }
}
