import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WharfServer

/// The S3 face driven without sockets on an open loopback server (no signatures); the signed paths
/// are covered by the boto3 and AWS CLI tests in Tests/compat.
@Suite struct S3APITests {
    func xmlCode(_ body: ByteBuffer) -> String? {
        let text = String(buffer: body)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>") else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    @Test func objectLifecycleThroughTheRouter() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/photos", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/photos/bike%20one.png", method: .put,
                                     headers: [.contentType: "image/png", HTTPField.Name("x-amz-meta-label")!: "bicycle"],
                                     body: ByteBuffer(string: "PNGDATA")) { response in
                #expect(response.status == .ok)
                #expect(response.headers[S3Headers.etag] == "\"\(md5Hex("PNGDATA"))\"")
            }
            try await client.execute(uri: "/photos/bike%20one.png", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "PNGDATA")
                #expect(response.headers[.contentType] == "image/png")
                #expect(response.headers[HTTPField.Name("x-amz-meta-label")!] == "bicycle")
            }
            try await client.execute(uri: "/photos?list-type=2", method: .get) { response in
                #expect(String(buffer: response.body).contains("<Key>bike one.png</Key>"))
                #expect(String(buffer: response.body).contains("<KeyCount>1</KeyCount>"))
            }
            try await client.execute(uri: "/photos/bike%20one.png", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/photos/bike%20one.png", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(self.xmlCode(response.body) == "NoSuchKey")
            }
            try await client.execute(uri: "/photos/bike%20one.png", method: .head) { response in
                #expect(response.status == .notFound)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func badInputIsA4xxWithS3sErrorCode() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/data", method: .put) { #expect($0.status == .ok) }
            let cases: [(HTTPRequest.Method, String, String?, Int, String)] = [
                (.post, "/data?delete", "<Delete><Object>", 400, "MalformedXML"),
                (.post, "/data?delete", "<NotDelete/>", 400, "MalformedXML"),
                (.post, "/data/k?uploadId=nope", "<CompleteMultipartUpload></CompleteMultipartUpload>", 400, "MalformedXML"),
                (.post, "/data/k?uploadId=nope", "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>", 404, "NoSuchUpload"),
                (.put, "/data/k?uploadId=nope&partNumber=0", "x", 400, "InvalidArgument"),
                (.put, "/data/k?uploadId=nope&partNumber=abc", "x", 400, "InvalidArgument"),
                (.get, "/data?list-type=2&max-keys=-1", nil, 400, "InvalidArgument"),
                (.put, "/data/%2e%2e/escape", "x", 400, "InvalidArgument"),
                (.put, "/data/a/../../escape", "x", 400, "InvalidArgument"),
                (.put, "/data/" + String(repeating: "k", count: 1100), "x", 400, "KeyTooLongError"),
                (.put, "/data/ok", nil, 200, ""),
                (.put, "/Bad_Bucket", nil, 400, "InvalidBucketName"),
                (.put, "/data", nil, 409, "BucketAlreadyOwnedByYou"),
                (.delete, "/data", nil, 409, "BucketNotEmpty"),
                (.get, "/missing/key", nil, 404, "NoSuchBucket"),
                (.put, "/data/copy", nil, 200, ""),
                (.patch, "/data/k", nil, 501, "NotImplemented"),
            ]
            for (method, uri, body, status, code) in cases {
                try await client.execute(uri: uri, method: method, body: body.map { ByteBuffer(string: $0) }) { response in
                    #expect(Int(response.status.code) == status, "\(method) \(uri)")
                    if !code.isEmpty { #expect(self.xmlCode(response.body) == code, "\(method) \(uri)") }
                }
            }
            try await client.execute(uri: "/data/ok", method: .get, headers: [.range: "bytes=5-9"]) { response in
                #expect(response.status.code == 416)
                #expect(self.xmlCode(response.body) == "InvalidRange")
            }
        }
    }

    @Test func listingDetailsAndSelfCopies() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/detail", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/detail/a%20b/c", method: .put, body: ByteBuffer(string: "x")) { #expect($0.status == .ok) }
            // An empty continuation token is the first page; fetch-owner adds the owner.
            try await client.execute(uri: "/detail?list-type=2&continuation-token=&fetch-owner=true", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<Owner><ID>wharf</ID>"))
            }
            try await client.execute(uri: "/detail?list-type=2", method: .get) { #expect(!String(buffer: $0.body).contains("<Owner>")) }
            // v1 echoes its prefix as sent, also with encoding-type=url.
            try await client.execute(uri: "/detail?prefix=a%20b/&encoding-type=url", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("<Prefix>a b/</Prefix>"))
                #expect(text.contains("<Key>a%20b/c</Key>"))
            }
            let copySelf: HTTPFields = [S3Headers.copySource: "/detail/a%20b/c"]
            try await client.execute(uri: "/detail/a%20b/c", method: .put, headers: copySelf) { response in
                #expect(response.status == .badRequest)
                #expect(self.xmlCode(response.body) == "InvalidRequest")
            }
            var replace = copySelf
            replace[HTTPField.Name("x-amz-metadata-directive")!] = "REPLACE"
            replace[HTTPField.Name("x-amz-meta-stage")!] = "prod"
            try await client.execute(uri: "/detail/a%20b/c", method: .put, headers: replace) { #expect($0.status == .ok) }
            try await client.execute(uri: "/detail/a%20b/c", method: .head) { response in
                #expect(response.headers[HTTPField.Name("x-amz-meta-stage")!] == "prod")
            }
        }
    }

    @Test func lastModifiedIsRFC1123() {
        let date = Date(timeIntervalSince1970: 784_111_777)
        #expect(S3XMLWriter.httpDate(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(S3XMLWriter.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == date)
        #expect(S3XMLWriter.httpDate(Date(timeIntervalSince1970: 1_795_402_053.9)) == "Mon, 23 Nov 2026 02:47:33 GMT")
    }

    @Test func nativeRoutesAreNotTakenForBuckets() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/keys", method: .get) { #expect($0.status == .ok) }
            // S3 calls are counted under their operation, with the status they got.
            try await client.execute(uri: "/metrics-bucket-nobody-made", method: .head) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"hb_requests_total{http_route="s3:HeadBucket",http_request_method="HEAD",http_response_status_code="404"}"#)
                    || text.contains(#"hb_requests{http_route="s3:HeadBucket",http_request_method="HEAD",http_response_status_code="404"}"#))
            }
        }
    }
}

/// Hex MD5, the ETag S3 gives a single-part object.
func md5Hex(_ text: String) -> String {
    var hasher = Crypto.Insecure.MD5()
    hasher.update(data: Data(text.utf8))
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
