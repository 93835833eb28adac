import Crypto
import Foundation

/// Verification of the legacy Signature Version 2 that boto3's `generate_presigned_url` still
/// emits by default (`?AWSAccessKeyId=…&Expires=…&Signature=…`) and old clients send as
/// `Authorization: AWS id:signature`.
enum SigV2 {
    /// Query parameters that take part in the signed resource.
    static let subresources: Set<String> = [
        "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
        "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "restore", "tagging", "torrent",
        "uploadId", "uploads", "versionId", "versioning", "versions", "website",
    ]

    static func stringToSign(_ request: SigV4Request, items: [(name: String, value: String)], dateOrExpires: String) -> String {
        var amzHeaders: [String: [String]] = [:]
        for (name, value) in request.headers where name.lowercased().hasPrefix("x-amz-") {
            amzHeaders[name.lowercased(), default: []].append(value.trimmingCharacters(in: .whitespaces))
        }
        var text = "\(request.method)\n\(request.header("content-md5") ?? "")\n\(request.header("content-type") ?? "")\n\(dateOrExpires)\n"
        for name in amzHeaders.keys.sorted() { text += "\(name):\(amzHeaders[name]!.joined(separator: ","))\n" }
        text += request.path.isEmpty ? "/" : request.path
        let signed = items.filter { subresources.contains($0.name) }.sorted { $0.name < $1.name }
        if !signed.isEmpty {
            text += "?" + signed.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        return text
    }

    static func signature(secret: String, stringToSign: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        return Data(HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign.utf8), using: key)).base64EncodedString()
    }
}

extension SigV4Verifier {
    func verifyPresignedV2(
        _ request: SigV4Request, items: [(name: String, value: String)], now: Date, secret: (String) async throws -> String?
    ) async throws -> SigV4Verification {
        guard let accessKey = items.first(where: { $0.name == "AWSAccessKeyId" })?.value,
            let signature = items.first(where: { $0.name == "Signature" })?.value,
            let expiresText = items.first(where: { $0.name == "Expires" })?.value
        else { throw SigV4Error.malformed("query authentication needs AWSAccessKeyId, Expires and Signature") }
        guard let expires = TimeInterval(expiresText) else { throw SigV4Error.malformed("Expires '\(expiresText)' is not a number of seconds") }
        guard now.timeIntervalSince1970 <= expires else { throw SigV4Error.requestExpired }
        guard let secretKey = try await secret(accessKey) else { throw SigV4Error.invalidAccessKeyId(accessKey) }
        let expected = SigV2.signature(secret: secretKey, stringToSign: SigV2.stringToSign(request, items: items, dateOrExpires: expiresText))
        guard constantTimeEqual(expected, signature) else { throw SigV4Error.signatureDoesNotMatch }
        return SigV4Verification(accessKeyId: accessKey, payload: .unsigned, decodedContentLength: nil, trailerHeader: nil)
    }

    func verifyHeaderV2(
        _ request: SigV4Request, credential: Substring, now: Date, secret: (String) async throws -> String?
    ) async throws -> SigV4Verification {
        guard let colon = credential.lastIndex(of: ":") else { throw SigV4Error.malformed("Authorization must be 'AWS id:signature'") }
        let accessKey = String(credential[..<colon])
        let signature = String(credential[credential.index(after: colon)...])
        // With x-amz-date present the Date line is empty (x-amz-date is signed among the amz headers).
        let dateText = request.header("x-amz-date") ?? request.header("date") ?? ""
        guard let date = SigV4.parseTimestamp(dateText) ?? HTTPDate.parse(dateText) else {
            throw SigV4Error.malformed("a Date or x-amz-date header is required")
        }
        guard abs(date.timeIntervalSince(now)) <= maximumClockSkew else { throw SigV4Error.requestTimeTooSkewed }
        guard let secretKey = try await secret(accessKey) else { throw SigV4Error.invalidAccessKeyId(accessKey) }
        let dateLine = request.header("x-amz-date") != nil ? "" : dateText
        let expected = SigV2.signature(
            secret: secretKey, stringToSign: SigV2.stringToSign(request, items: SigV4.queryItems(request.query), dateOrExpires: dateLine))
        guard constantTimeEqual(expected, signature) else { throw SigV4Error.signatureDoesNotMatch }
        return SigV4Verification(accessKeyId: accessKey, payload: .unsigned, decodedContentLength: nil, trailerHeader: nil)
    }
}
