import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import WharfServer

/// Random subresources, parameters and headers on every method, sent to buckets and objects holding
/// known data: after each request the data must be exactly as before unless the support table lists
/// the request as a write, and no answer is a 5xx other than NotImplemented.
@Suite struct S3FuzzTests {
    static let targets: [(path: String, bucket: String?, key: String?)] = [
        ("/", nil, nil), ("/fzz", "fzz", nil), ("/fzempty", "fzempty", nil), ("/fzz/a", "fzz", "a"), ("/fzz/dir/b", "fzz", "dir/b"),
    ]
    static let queryNames = S3SupportTable.subresources.sorted() + [
        "versionId", "partNumber", "uploadId", "prefix", "delimiter", "max-keys", "marker", "response-content-type", "x-id", "bogus",
        "versions", "list-type", "encoding-type", "continuation-token", "fetch-owner", "max-buckets",
    ]
    static let queryValues = ["", "1", "2", "null", "abc", "00000000000000000000000000000000", "text/plain", "%2F"]
    static let headers: [(String, [String])] = [
        ("x-amz-server-side-encryption", ["AES256", "aws:kms", "aws:kms:dsse"]),
        ("x-amz-server-side-encryption-customer-algorithm", ["AES256"]),
        ("x-amz-server-side-encryption-customer-key", ["MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="]),
        ("x-amz-server-side-encryption-aws-kms-key-id", ["alias/x"]),
        ("x-amz-acl", ["private", "public-read", "authenticated-read"]), ("x-amz-grant-read", ["id=1"]),
        ("x-amz-object-lock-mode", ["GOVERNANCE", "COMPLIANCE"]), ("x-amz-object-lock-legal-hold", ["ON"]),
        ("x-amz-storage-class", ["STANDARD", "GLACIER"]), ("x-amz-tagging", ["a=b", "x"]),
        ("x-amz-tagging-directive", ["COPY", "REPLACE"]), ("x-amz-metadata-directive", ["COPY", "REPLACE"]),
        ("x-amz-copy-source", ["/fzz/a", "/fzz/missing", "fzz/dir/b?versionId=3"]), ("x-amz-copy-source-range", ["bytes=0-1", "bytes=9-"]),
        ("x-amz-mfa", ["1 2"]), ("x-amz-bypass-governance-retention", ["true"]), ("x-amz-website-redirect-location", ["/x"]),
        ("x-amz-checksum-crc32", ["AAAAAA==", "garbage"]), ("x-amz-sdk-checksum-algorithm", ["CRC32", "MD4"]),
        ("x-amz-expected-bucket-owner", ["123456789012"]), ("x-amz-request-payer", ["requester"]), ("x-amz-checksum-mode", ["ENABLED"]),
        ("x-amz-write-offset-bytes", ["0"]), ("x-amz-bucket-object-lock-enabled", ["true"]),
        ("If-Match", ["*", "\"0\""]), ("If-None-Match", ["*", "\"0\""]), ("If-Modified-Since", ["Wed, 21 Oct 2015 07:28:00 GMT"]),
        ("Content-MD5", ["AAAAAAAAAAAAAAAAAAAAAA==", "bad"]), ("Range", ["bytes=0-1"]), ("x-amz-meta-k", ["v"]),
    ]
    static let bodies = [
        "", "junk", "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
        "<Delete><Object><Key>a</Key></Object></Delete>", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
        "<AccessControlPolicy/>", "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
    ]

    /// Everything a reader can see of the known data.
    struct Snapshot: Equatable {
        var entries: [String: String] = [:]
    }

    func snapshot(_ client: any TestClientProtocol) async throws -> Snapshot {
        var shot = Snapshot()
        for uri in ["/fzz", "/fzempty"] {
            try await client.execute(uri: uri, method: .head) { shot.entries["head \(uri)"] = "\($0.status.code)" }
            try await client.execute(uri: uri + "?list-type=2", method: .get) { shot.entries["list \(uri)"] = Self.keys(String(buffer: $0.body)) }
            try await client.execute(uri: uri + "?tagging", method: .get) { shot.entries["tags \(uri)"] = "\($0.status.code) \(Self.text($0.body))" }
            try await client.execute(uri: uri + "?uploads", method: .get) { shot.entries["uploads \(uri)"] = Self.keys(String(buffer: $0.body)) }
        }
        for uri in ["/fzz/a", "/fzz/dir/b"] {
            try await client.execute(uri: uri, method: .get) { response in
                let headers = response.headers.filter { $0.name != S3Headers.requestId }.map { "\($0.name.canonicalName)=\($0.value)" }.sorted()
                shot.entries["get \(uri)"] = "\(response.status.code) \(headers) \(Self.text(response.body))"
            }
            try await client.execute(uri: uri + "?tagging", method: .get) { shot.entries["tags \(uri)"] = Self.text($0.body) }
        }
        return shot
    }

    /// A body without its request id, which differs on every answer.
    static func text(_ body: ByteBuffer) -> String {
        var text = String(buffer: body)
        if let open = text.range(of: "<RequestId>"), let close = text.range(of: "</RequestId>") { text.removeSubrange(open.lowerBound..<close.upperBound) }
        return text
    }

    static func keys(_ listing: String) -> String {
        var keys: [String] = []
        var rest = listing[...]
        while let open = rest.range(of: "<Key>"), let close = rest[open.upperBound...].range(of: "</Key>") {
            keys.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return keys.joined(separator: ",")
    }

    /// Puts the known data back (after a request the table lists as a write changed it).
    func reset(_ client: any TestClientProtocol) async throws {
        for bucket in ["/fzz", "/fzempty"] {
            try await client.execute(uri: bucket, method: .put) { _ in }
            try await client.execute(uri: bucket + "?tagging", method: .delete) { _ in }
        }
        try await client.execute(uri: "/fzz/a", method: .put, headers: [HTTPField.Name("x-amz-meta-owner")!: "ci"], body: ByteBuffer(string: "alpha")) {
            #expect($0.status == .ok)
        }
        try await client.execute(uri: "/fzz/dir/b", method: .put, headers: [.contentType: "text/csv"], body: ByteBuffer(string: "beta,1\n")) {
            #expect($0.status == .ok)
        }
        for uri in ["/fzz/a", "/fzz/dir/b"] { try await client.execute(uri: uri + "?tagging", method: .delete) { _ in } }
        var uploads = ""
        try await client.execute(uri: "/fzz?uploads", method: .get) { uploads = String(buffer: $0.body) }
        var rest = uploads[...]
        while let open = rest.range(of: "<Key>"), let close = rest[open.upperBound...].range(of: "</Key>"),
            let idOpen = rest.range(of: "<UploadId>"), let idClose = rest.range(of: "</UploadId>")
        {
            let key = String(rest[open.upperBound..<close.lowerBound]), id = String(rest[idOpen.upperBound..<idClose.lowerBound])
            try await client.execute(uri: "/fzz/\(key)?uploadId=\(id)", method: .delete) { _ in }
            rest = rest[idClose.upperBound...]
        }
    }

    @Test func unlistedRequestsNeverChangeData() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            try await reset(client)
            var before = try await snapshot(client)
            var rng = S3FuzzRandom(seed: 20261202)
            var served = 0, refused = 0, writes = 0
            for round in 0..<800 {
                let method = [HTTPRequest.Method.get, .put, .post, .delete, .head, .patch][Int.random(in: 0..<6, using: &rng)]
                let target = Self.targets[Int.random(in: 0..<Self.targets.count, using: &rng)]
                var query: [String: String] = [:]
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    query[Self.queryNames.randomElement(using: &rng)!] = Self.queryValues.randomElement(using: &rng)!
                }
                var fields = HTTPFields()
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let (name, values) = Self.headers.randomElement(using: &rng)!
                    fields[HTTPField.Name(name)!] = values.randomElement(using: &rng)!
                }
                let body = (method == .put || method == .post) ? Self.bodies.randomElement(using: &rng)! : ""
                let resolution = S3SupportTable.resolve(method: method, bucket: target.bucket, key: target.key, query: query, headers: fields)
                let rawQuery = query.sorted(by: { $0.key < $1.key }).map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: "&")
                let uri = target.path + (rawQuery.isEmpty ? "" : "?" + rawQuery)
                var status = 0
                try await client.execute(uri: uri, method: method, headers: fields, body: ByteBuffer(string: body)) { response in
                    status = Int(response.status.code)
                }
                #expect(status < 500 || status == 501, "round \(round): \(method) \(uri) \(fields) answered \(status)")
                let after = try await snapshot(client)
                switch resolution {
                case .refused:
                    refused += 1
                    #expect(status >= 400, "round \(round): \(method) \(uri) \(fields) was refused by the table but answered \(status)")
                    #expect(after == before, "round \(round): refused \(method) \(uri) \(fields) changed data")
                case .operation(let spec) where !spec.writes:
                    served += 1
                    #expect(after == before, "round \(round): \(spec.name) (\(method) \(uri) \(fields)) is not a write but changed data")
                case .operation:
                    writes += 1
                    if after != before {
                        try await reset(client)
                        before = try await snapshot(client)
                    }
                }
            }
            // The mix really exercised all three kinds of request.
            #expect(refused > 200 && served > 30 && writes > 30, "refused \(refused), read \(served), writes \(writes)")
        }
    }
}

/// SplitMix64, so a failing round can be replayed.
struct S3FuzzRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
