import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WharfServer

/// The support table: docs/s3.md shows exactly it, and the requests it does not serve leave data alone.
@Suite struct S3SupportTableTests {
    static let docsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/s3.md").path

    /// `WHARF_UPDATE_DOCS=1 swift test --filter S3SupportTableTests` rewrites the section from the table.
    @Test func docsShowTheTable() throws {
        var text = try String(contentsOfFile: Self.docsPath, encoding: .utf8)
        let begin = try #require(text.range(of: S3SupportTable.markdownBegin), "docs/s3.md has no generated table")
        let end = try #require(text.range(of: S3SupportTable.markdownEnd), "docs/s3.md's generated table has no end marker")
        let current = String(text[begin.lowerBound..<end.upperBound])
        if ProcessInfo.processInfo.environment["WHARF_UPDATE_DOCS"] == "1", current != S3SupportTable.markdown() {
            text.replaceSubrange(begin.lowerBound..<end.upperBound, with: S3SupportTable.markdown())
            try text.write(toFile: Self.docsPath, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == S3SupportTable.markdown(), "docs/s3.md is stale: run WHARF_UPDATE_DOCS=1 swift test --filter S3SupportTableTests")
    }

    @Test func everyOperationHasOneRow() {
        #expect(S3SupportTable.byKey.count == S3SupportTable.operations.count)
        #expect(Set(S3SupportTable.operations.map(\.name)).count == S3SupportTable.operations.count)
    }

    func resolve(_ method: HTTPRequest.Method, _ bucket: String?, _ key: String?, _ query: [String: String] = [:], _ headers: HTTPFields = [:]) -> S3SupportTable.Resolution {
        S3SupportTable.resolve(method: method, bucket: bucket, key: key, query: query, headers: headers)
    }

    @Test func plainCallsResolveToTheirOperation() {
        #expect(resolve(.get, "b", "k").operation?.name == "GetObject")
        #expect(resolve(.put, "b", "k", [:], [HTTPField.Name("x-amz-copy-source")!: "/b/a"]).operation?.name == "CopyObject")
        #expect(resolve(.put, "b", "k", ["uploadId": "u", "partNumber": "1"]).operation?.name == "UploadPart")
        #expect(resolve(.get, "b", nil, ["list-type": "2", "prefix": "a/"]).operation?.name == "ListObjectsV2")
        #expect(resolve(.get, "b", nil, ["versioning": ""]).operation?.name == "GetBucketVersioning")
        #expect(resolve(.get, "b", "k", ["X-Amz-Signature": "00", "x-id": "GetObject", "response-content-type": "a/b"]).operation?.name == "GetObject")
        #expect(resolve(.put, "b", "k", [:], [HTTPField.Name("x-amz-acl")!: "private", HTTPField.Name("x-amz-date")!: "x"]).operation?.name == "PutObject")
    }

    @Test func unservedRequestsAreNotImplemented() {
        let refused: [(HTTPRequest.Method, String?, String?, [String: String], HTTPFields)] = [
            (.put, "b", "k", ["tagging": "", "versionId": "1"], [:]),
            (.put, "b", "k", ["retention": ""], [:]),
            (.put, "b", "k", ["legal-hold": ""], [:]),
            (.put, "b", "k", ["acl": ""], [:]),
            (.delete, "b", nil, ["cors": ""], [:]),
            (.delete, "b", nil, ["policy": ""], [:]),
            (.delete, "b", nil, ["lifecycle": ""], [:]),
            (.put, "b", nil, ["acl": ""], [:]),
            (.put, "b", nil, ["policy": ""], [:]),
            (.put, "b", nil, ["lifecycle": ""], [:]),
            (.get, "b", nil, ["acl": ""], [:]),
            (.get, "b", nil, ["cors": ""], [:]),
            (.get, "b", "k", ["acl": ""], [:]),
            (.get, "b", "k", ["versionId": "3"], [:]),
            (.get, "b", "k", ["bogus": "1"], [:]),
            (.post, "b", "k", ["uploads": "", "tagging": ""], [:]),
            (.put, "b", "k", [:], [HTTPField.Name("x-amz-server-side-encryption")!: "aws:kms"]),
            (.put, "b", "k", [:], [HTTPField.Name("x-amz-server-side-encryption-customer-algorithm")!: "AES256"]),
            (.get, "b", "k", [:], [HTTPField.Name("x-amz-server-side-encryption-customer-key")!: "a2V5"]),
            (.put, "b", "k", [:], [HTTPField.Name("x-amz-acl")!: "public-read"]),
            (.put, "b", "k", [:], [HTTPField.Name("x-amz-object-lock-mode")!: "GOVERNANCE"]),
            (.delete, "b", "k", [:], [HTTPField.Name("x-amz-mfa")!: "1 2"]),
            (.put, "b", "k", [:], [HTTPField.Name("x-amz-some-future-header")!: "1"]),
            (.patch, "b", "k", [:], [:]),
        ]
        for (method, bucket, key, query, headers) in refused {
            guard case .refused(let error) = resolve(method, bucket, key, query, headers) else {
                Issue.record("\(method) \(bucket ?? "") \(key ?? "") \(query) \(headers) was served")
                continue
            }
            #expect(error.status == 501 && error.code == "NotImplemented", "\(method) \(query) \(headers)")
        }
        guard case .refused(let error) = resolve(.get, "b", nil, ["list-type": "3"]) else { Issue.record("list-type=3 was served"); return }
        #expect(error.code == "InvalidArgument")
    }

    /// Through the router: each of these used to run as the plain operation and destroy or hide data.
    @Test func refusedRequestsLeaveObjectsAndBucketsIntact() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/keep", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/empty", method: .put) { #expect($0.status == .ok) }
            try await client.execute(uri: "/keep/model.bin", method: .put, body: ByteBuffer(string: "weights")) { #expect($0.status == .ok) }
            let requests: [(HTTPRequest.Method, String, HTTPFields)] = [
                (.put, "/keep/model.bin?retention", [:]), (.put, "/keep/model.bin?legal-hold", [:]),
                (.put, "/keep/model.bin?acl", [:]), (.delete, "/keep/model.bin?tagging&versionId=2", [:]), (.delete, "/empty?cors", [:]),
                (.delete, "/empty?policy", [:]), (.delete, "/empty?lifecycle", [:]), (.get, "/keep/model.bin?acl", [:]),
                (.put, "/keep/model.bin", [HTTPField.Name("x-amz-server-side-encryption")!: "aws:kms"]),
                (.put, "/keep/model.bin", [HTTPField.Name("x-amz-server-side-encryption-customer-algorithm")!: "AES256"]),
            ]
            for (method, uri, headers) in requests {
                try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: "<Tagging/>")) { response in
                    #expect(response.status.code == 501, "\(method) \(uri)")
                    #expect(String(buffer: response.body).contains("<Code>NotImplemented</Code>"), "\(method) \(uri)")
                }
            }
            // Tagging is served now: it changes tags, never the bytes.
            try await client.execute(uri: "/keep/model.bin?tagging", method: .put, body: ByteBuffer(string: "<Tagging/>")) { response in
                #expect(response.status.code == 400)
            }
            let tags = "<Tagging><TagSet><Tag><Key>stage</Key><Value>prod</Value></Tag></TagSet></Tagging>"
            try await client.execute(uri: "/keep/model.bin?tagging", method: .put, body: ByteBuffer(string: tags)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/keep/model.bin?tagging", method: .get) { response in
                #expect(String(buffer: response.body).contains("<Tag><Key>stage</Key><Value>prod</Value></Tag>"))
            }
            try await client.execute(uri: "/keep/model.bin", method: .head) { #expect($0.headers[S3Headers.taggingCount] == "1") }
            try await client.execute(uri: "/keep/model.bin?tagging", method: .delete) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/keep/model.bin?tagging", method: .get) { #expect(!String(buffer: $0.body).contains("<Tag>")) }
            try await client.execute(uri: "/empty?tagging", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/keep/model.bin", method: .get) { #expect(String(buffer: $0.body) == "weights") }
            try await client.execute(uri: "/empty", method: .head) { #expect($0.status == .ok) }
            try await client.execute(uri: "/keep?versioning", method: .get) { response in
                #expect(String(buffer: response.body).contains("<VersioningConfiguration"))
                #expect(!String(buffer: response.body).contains("<Status>"))
            }
        }
    }

    /// ListObjects v1 with a delimiter: each page's NextMarker moves past its last common prefix.
    @Test func listObjectsV1WithDelimiterTerminates() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await client.execute(uri: "/pages", method: .put) { #expect($0.status == .ok) }
            for key in ["a/1", "a/2", "b/1", "c", "d/1/x", "e"] {
                try await client.execute(uri: "/pages/\(key)", method: .put, body: ByteBuffer(string: key)) { #expect($0.status == .ok) }
            }
            var marker = ""
            var seen: [String] = []
            for _ in 0..<10 {
                var next: String?
                try await client.execute(uri: "/pages?delimiter=/&max-keys=1&marker=\(marker)", method: .get) { response in
                    let text = String(buffer: response.body)
                    for tag in ["<Prefix>", "<Key>"] {
                        var rest = text[...]
                        while let open = rest.range(of: tag), let close = rest[open.upperBound...].range(of: "</") {
                            let value = String(rest[open.upperBound..<close.lowerBound])
                            if !(tag == "<Prefix>" && value.isEmpty) { seen.append(value) }
                            rest = rest[close.upperBound...]
                        }
                    }
                    if text.contains("<IsTruncated>true</IsTruncated>"), let open = text.range(of: "<NextMarker>"), let close = text.range(of: "</NextMarker>") {
                        next = String(text[open.upperBound..<close.lowerBound])
                    }
                }
                guard let next else { break }
                marker = next
            }
            #expect(seen == ["a/", "b/", "c", "d/", "e"])
        }
    }
}
