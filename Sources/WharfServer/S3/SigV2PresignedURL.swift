import Crypto
import Foundation
import WharfObjectStore

/// Verifies legacy query-string authentication (`AWSAccessKeyId`, `Expires`, `Signature`): what boto3's
/// `generate_presigned_url` produces for S3 unless the client is configured for `s3v4`.
enum SigV2PresignedURL {
    /// Sub-resources that take part in the string to sign, as S3 defines them.
    private static let subresources: Set<String> = [
        "acl", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
        "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "torrent", "uploadId",
        "uploads", "versionId", "versioning", "versions", "website",
    ]

    static func applies(to request: S3Request) -> Bool {
        request.query["AWSAccessKeyId"] != nil && request.query["Signature"] != nil && request.header("authorization") == nil
    }

    /// The access key id of a valid, unexpired URL; throws the S3 error a client would get otherwise.
    static func verify(_ request: S3Request, now: Date = Date(), secret: (String) async throws -> String?) async throws -> String {
        guard let accessKeyId = request.query["AWSAccessKeyId"], let signature = request.query["Signature"],
              let expiresText = request.query["Expires"], let expires = TimeInterval(expiresText) else {
            throw S3Error.accessDenied("query-string authentication needs AWSAccessKeyId, Expires and Signature")
        }
        guard now.timeIntervalSince1970 <= expires else { throw S3Error(.requestExpired) }
        guard let key = try await secret(accessKeyId) else { throw S3Error(.invalidAccessKeyId(accessKeyId)) }
        var resource = request.rawPath
        let signed = request.query.filter { subresources.contains($0.key) }.sorted { $0.key < $1.key }
        if !signed.isEmpty {
            resource += "?" + signed.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
        let amzHeaders = request.headers
            .filter { $0.name.canonicalName.hasPrefix("x-amz-") }
            .map { "\($0.name.canonicalName):\($0.value.trimmingCharacters(in: .whitespaces))" }
            .sorted()
        let stringToSign = ([request.method.rawValue, request.header("content-md5") ?? "", request.header("content-type") ?? "", expiresText]
            + amzHeaders + [resource]).joined(separator: "\n")
        let expected = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(key.utf8))))
            .base64EncodedString()
        guard Data(expected.utf8).count == Data(signature.utf8).count,
              zip(expected.utf8, signature.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw S3Error(.signatureDoesNotMatch)
        }
        return accessKeyId
    }
}
