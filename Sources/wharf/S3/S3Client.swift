import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import WharfObjectStore

/// A small path-style S3 client for `wharf s3`: signs with SigV4 when credentials are set, else sends
/// unsigned requests (accepted by a server running open on loopback).
struct S3Client {
    let endpoint: URL
    let signer: SigV4Signer?

    init(endpoint: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let url = URL(string: endpoint), url.host != nil else { throw CommandFailure(message: "not a URL: \(endpoint)", exitCode: 64) }
        self.endpoint = url
        let id = environment["WHARF_ACCESS_KEY_ID"] ?? environment["AWS_ACCESS_KEY_ID"]
        let secret = environment["WHARF_SECRET_ACCESS_KEY"] ?? environment["AWS_SECRET_ACCESS_KEY"]
        if let id, let secret, !id.isEmpty, !secret.isEmpty {
            signer = SigV4Signer(credentials: .init(accessKeyId: id, secretAccessKey: secret), region: environment["AWS_REGION"] ?? "us-east-1")
        } else {
            signer = nil
        }
    }

    private var host: String {
        endpoint.port.map { "\(endpoint.host!):\($0)" } ?? endpoint.host!
    }

    /// Sends one request; the body streams from `body` when given.
    func send(_ method: HTTPMethod, bucket: String?, key: String? = nil, query: [(String, String)] = [],
              body: HTTPClientRequest.Body? = nil, contentLength: Int64? = nil) async throws -> HTTPClientResponse {
        var path = "/"
        if let bucket { path += SigV4.uriEncode(bucket, encodeSlash: true) }
        if let key { path += "/" + SigV4.uriEncode(key, encodeSlash: false) }
        let queryText = SigV4.canonicalQuery(query.map { (name: $0.0, value: $0.1) })
        var signable = SigV4Request(method: method.rawValue, path: path, query: queryText, headers: [("host", host)])
        if let contentLength { signable.headers.append(("content-length", String(contentLength))) }
        signer?.sign(&signable, payloadHash: body == nil ? SigV4.emptyPayloadHash : SigV4.unsignedPayload)
        var request = HTTPClientRequest(url: endpoint.absoluteString.trimmingSuffix("/") + path + (queryText.isEmpty ? "" : "?" + queryText))
        request.method = method
        for header in signable.headers where header.name != "host" { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        if let body { request.body = body }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .hours(6))
        } catch {
            throw CommandFailure(message: "cannot reach \(endpoint.absoluteString): \(error)", exitCode: 5)
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let parsed = try? S3XML.parse(Array(text.utf8))
            let code = parsed?.value("Code") ?? "HTTP \(response.status.code)"
            let message = parsed?.value("Message") ?? text
            throw CommandFailure(message: "\(code): \(message)", exitCode: CommandFailure.exitCode(forStatus: Int(response.status.code)))
        }
        return response
    }

    struct Listing {
        var objects: [(key: String, size: Int64, lastModified: String)] = []
        var prefixes: [String] = []
    }

    func list(bucket: String, prefix: String, delimiter: String?) async throws -> Listing {
        var listing = Listing()
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let delimiter { query.append(("delimiter", delimiter)) }
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(.GET, bucket: bucket, query: query)
            let document = try S3XML.parse(Array(try await response.body.collect(upTo: 64 << 20).readableBytesView))
            for entry in document.children("Contents") {
                listing.objects.append((entry.value("Key") ?? "", Int64(entry.value("Size") ?? "0") ?? 0, entry.value("LastModified") ?? ""))
            }
            listing.prefixes += document.children("CommonPrefixes").compactMap { $0.value("Prefix") }
            token = document.value("IsTruncated") == "true" ? document.value("NextContinuationToken") : nil
        } while token != nil
        return listing
    }

    func buckets() async throws -> [(name: String, created: String)] {
        let response = try await send(.GET, bucket: nil)
        let document = try S3XML.parse(Array(try await response.body.collect(upTo: 16 << 20).readableBytesView))
        return (document.child("Buckets")?.children("Bucket") ?? []).map { ($0.value("Name") ?? "", $0.value("CreationDate") ?? "") }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
