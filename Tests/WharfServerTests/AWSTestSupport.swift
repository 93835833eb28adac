import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import WharfObjectStore
import WharfPlatform
@testable import WharfServer

/// A key's credentials and a SigV4 signer for router tests of the AWS front door, signing as botocore
/// does for services other than S3 (no x-amz-content-sha256 header: the body's hash is computed).
struct AWSTestCredentials: Sendable {
    var accessKeyId: String
    var secret: String
    var sessionToken: String?

    init(_ issued: IssuedKey) {
        accessKeyId = issued.key.accessKeyId
        secret = issued.secret
    }

    init(accessKeyId: String, secret: String, sessionToken: String?) {
        self.accessKeyId = accessKeyId
        self.secret = secret
        self.sessionToken = sessionToken
    }

    /// Headers that sign a request for `service`; `date` defaults to now.
    func sign(
        service: String, method: HTTPRequest.Method, path: String, query: String = "", headers: [(String, String)], body: [UInt8],
        date: Date = Date(), useDateHeader: Bool = false, sendToken: Bool = true
    ) -> HTTPFields {
        let timestamp = SigV4.timestamp(date)
        let day = String(timestamp.prefix(8))
        var signed: [(name: String, value: String)] = [("host", "localhost")] + headers.map { ($0.0.lowercased(), $0.1) }
        if useDateHeader {
            signed.append(("date", AWSTimestamp.httpDate(date)))
        } else {
            signed.append(("x-amz-date", timestamp))
        }
        if let sessionToken, sendToken { signed.append(("x-amz-security-token", sessionToken)) }
        let canonical = SigV4.canonicalRequest(
            method: method.rawValue, canonicalURI: SigV4.canonicalURI(rawPath: path),
            canonicalQuery: SigV4.canonicalQuery(SigV4.queryItems(query)), headers: signed, payloadHash: SigV4.sha256Hex(body))
        let scope = SigV4.scope(date: day, region: "us-east-1", service: service)
        let key = SigV4.signingKey(secret: secret, date: day, region: "us-east-1", service: service)
        let signature = SigV4.signature(signingKey: key, stringToSign: SigV4.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical.request))
        var fields = HTTPFields()
        for (name, value) in signed where name != "host" { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        fields[.authorization] = "\(SigV4.algorithm) Credential=\(accessKeyId)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return fields
    }
}

/// Drives the front door's protocols through a router client.
struct AWSTestClient {
    let client: any TestClientProtocol
    let credentials: AWSTestCredentials

    /// An awsJson call: `target` is `Prefix.Operation`.
    func json(_ service: String, target: String, version: String = "1.1", body: String) async throws -> TestResponse {
        let bytes = Array(body.utf8)
        let headers = credentials.sign(service: service, method: .post, path: "/", headers: [
            ("content-type", "application/x-amz-json-\(version)"), ("x-amz-target", target),
        ], body: bytes)
        return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// An awsQuery call with a form body.
    func query(_ service: String, form: String) async throws -> TestResponse {
        let bytes = Array(form.utf8)
        let headers = credentials.sign(service: service, method: .post, path: "/", headers: [
            ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
        ], body: bytes)
        return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// A restJson1 call.
    func rest(_ service: String, _ method: HTTPRequest.Method, _ path: String, query: String = "", headers extra: [(String, String)] = [], body: [UInt8] = []) async throws -> TestResponse {
        let headers = credentials.sign(service: service, method: method, path: path, query: query, headers: extra, body: body)
        return try await client.execute(uri: query.isEmpty ? path : "\(path)?\(query)", method: method, headers: headers, body: ByteBuffer(bytes: body))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// awsJson's `__type`, restJson1's `x-amzn-ErrorType`, or awsQuery's `<Code>`.
    var awsErrorCode: String? {
        if let header = headers[HTTPField.Name("x-amzn-ErrorType")!] { return header }
        let text = self.text
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>") else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    var requestId: String? { headers[HTTPField.Name("x-amzn-RequestId")!] }
}

/// A server with an admin key and a key of each role, closed (every call must be signed).
struct AWSTestServer {
    let server: TestServer
    let admin: AWSTestCredentials
    let writer: AWSTestCredentials
    let reader: AWSTestCredentials
    let invoker: AWSTestCredentials

    static func make() async throws -> AWSTestServer {
        let server = try await TestServer.make()
        let keys = server.platform.keys
        return AWSTestServer(
            server: server,
            admin: AWSTestCredentials(try await keys.create(name: "admin", role: .admin)),
            writer: AWSTestCredentials(try await keys.create(name: "writer", role: .write)),
            reader: AWSTestCredentials(try await keys.create(name: "reader", role: .read)),
            invoker: AWSTestCredentials(try await keys.create(name: "app", role: .invoke)))
    }
}
