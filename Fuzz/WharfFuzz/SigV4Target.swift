import Foundation
import WharfObjectStore

/// SigV4 (and SigV2) authentication of a request: Authorization headers and presigned queries.
/// Input: a flags byte, then lines: method, raw path, raw query, then `name:value` headers.
/// Flag 1 checks the request at the time it claims (so the signature check is reached); flag 2 has
/// Wharf's own signer sign the request first, and a request it signed must verify. The secrets are
/// those of the botocore captures in the seed corpus (BOTOKEY) and of the signer (AKIDFUZZ).
enum SigV4Target {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let payloadModes = [
        SigV4.unsignedPayload, SigV4.streamingPayload, SigV4.streamingPayloadTrailer, SigV4.streamingUnsignedPayloadTrailer,
        SigV4.emptyPayloadHash,
    ]

    static let target = FuzzTarget(name: "sigv4", summary: "WharfObjectStore SigV4Verifier (headers, presigned queries, SigV2)") { buffer in
        var input = FuzzInput(buffer)
        let flags = input.byte()
        let method = input.field().text
        let path = input.field().text
        let query = input.field().text
        var headers: [(name: String, value: String)] = []
        while !input.bytes.isEmpty, headers.count < 64 {
            let line = input.field().text
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        var request = SigV4Request(method: method, path: path, query: query, headers: headers)

        // The helpers the verifier is built from, on the raw text.
        _ = SigV4.canonicalURI(rawPath: path)
        _ = SigV4.canonicalQuery(SigV4.queryItems(query))
        _ = SigV4.percentDecode(path)

        var now = Date(timeIntervalSince1970: 1_700_000_000)
        var mustVerify = false
        if flags & 2 != 0 {
            let signable = headers.allSatisfy { isToken($0.name) && isPrintable($0.value) }
                && !headers.contains { ["authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"].contains($0.name.lowercased()) }
                && headers.contains { $0.name.lowercased() == "host" } && !method.isEmpty && isToken(method)
            let signer = SigV4Signer(credentials: SigV4Credentials(accessKeyId: "AKIDFUZZ", secretAccessKey: SigV4Target.secret), region: "us-east-1")
            signer.sign(&request, payloadHash: payloadModes[Int(flags >> 4) % payloadModes.count], date: now)
            mustVerify = signable && !SigV4.queryItems(query).contains { $0.name == "X-Amz-Signature" || $0.name == "AWSAccessKeyId" }
        } else if flags & 1 != 0 {
            let claimed = request.header("x-amz-date") ?? SigV4.queryItems(query).first { $0.name == "X-Amz-Date" }?.value
            if let claimed, let date = SigV4.parseTimestamp(claimed) { now = date }
        }
        let verifier = SigV4Verifier(service: "s3", region: flags & 4 == 0 ? nil : "us-east-1")
        let signed = request
        let verifiedAt = now
        let outcome = Outcome()
        runBlocking {
            do {
                _ = try await verifier.verify(signed, now: verifiedAt, secret: { id in id == "BOTOKEY" ? "boto/secret+key" : id.hasPrefix("AK") ? SigV4Target.secret : nil })
                outcome.verified = true
            } catch {
                outcome.error = "\(error)"
            }
        }
        if mustVerify {
            precondition(outcome.verified, "a request Wharf's signer signed did not verify: \(outcome.error ?? "") \(signed)")
        }
    }

    final class Outcome: @unchecked Sendable {
        var verified = false
        var error: String?
    }

    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }
    }

    static func isPrintable(_ s: String) -> Bool { s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
}
