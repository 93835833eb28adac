import Foundation
import Testing
@testable import WharfObjectStore

@Suite("Names, ranges, URLs and XML")
struct ParsingTests {
    @Test func bucketNames() {
        for good in ["abc", "my-bucket.2", "a1b", String(repeating: "a", count: 63)] { #expect(BucketName.isValid(good), "\(good)") }
        for bad in ["ab", "My-Bucket", "-abc", "abc-", "a..b", "192.168.1.1", "a_b", "a/b", "..", String(repeating: "a", count: 64), "a b"] {
            #expect(!BucketName.isValid(bad), "\(bad)")
        }
    }

    @Test func rangeHeaders() throws {
        #expect(ByteRange(httpHeader: "bytes=0-9") == .closed(first: 0, last: 9))
        #expect(ByteRange(httpHeader: "bytes=5-") == .from(5))
        #expect(ByteRange(httpHeader: "bytes=-3") == .suffix(3))
        for ignored in ["bytes=9-0", "bytes=0-1,4-5", "items=0-1", "bytes=a-b", "bytes=-", ""] {
            #expect(ByteRange(httpHeader: ignored) == nil, "\(ignored)")
        }
        #expect(try ByteRange.closed(first: 2, last: 100).resolve(size: 10) == 2...9)
        #expect(throws: ObjectStoreError.invalidRange("bytes=10-", size: 10)) { try ByteRange.from(10).resolve(size: 10) }
        #expect(throws: ObjectStoreError.self) { try ByteRange.suffix(0).resolve(size: 10) }
        #expect(throws: ObjectStoreError.self) { try ByteRange.suffix(5).resolve(size: 0) }
    }

    @Test func storageURL() throws {
        let env = ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK", "AWS_REGION": "eu-west-1"]
        let config = try S3Configuration(url: "s3://data-bucket/wharf/prod?endpoint=http://127.0.0.1:9000", environment: env)
        #expect(config.layout == .sharedBucket(bucket: "data-bucket", prefix: "wharf/prod/"))
        #expect(config.scheme == "http" && config.host == "127.0.0.1" && config.port == 9000)
        #expect(config.region == "eu-west-1")
        #expect(config.credentials == SigV4Credentials(accessKeyId: "AK", secretAccessKey: "SK"))
        #expect(config.addressing == .path)
        #expect(config.hostHeader(bucket: "data-bucket") == "127.0.0.1:9000")
        #expect(config.path(config.object("b", "a b/c")) == "/data-bucket/wharf/prod/b/a%20b/c")

        let aws = try S3Configuration(url: "s3://data-bucket", environment: ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"])
        #expect(aws.region == "us-east-1")
        #expect(aws.layout == .sharedBucket(bucket: "data-bucket", prefix: ""))
        #expect(aws.addressing == .virtualHost)
        #expect(aws.hostHeader(bucket: "data-bucket") == "data-bucket.s3.us-east-1.amazonaws.com")
        #expect(aws.path(aws.object("w", "k/x")) == "/w/k/x")
        #expect(aws.hostHeader(bucket: nil) == "s3.us-east-1.amazonaws.com")

        let client = try S3Configuration(
            endpoint: URL(string: "http://127.0.0.1:8080"), layout: .bucketPerBucket(namePrefix: ""),
            credentials: SigV4Credentials(accessKeyId: "a", secretAccessKey: "b"))
        #expect(client.path(client.object("photos", "2024/a.jpg")) == "/photos/2024/a.jpg")
        #expect(client.path(S3Target(bucket: nil, key: nil)) == "/")

        let virtual = try S3Configuration(url: "s3://b1/p?endpoint=https://s3.example.com&addressing=virtual&region=ap-south-1", environment: env)
        #expect(virtual.hostHeader(bucket: "b1") == "b1.s3.example.com")
        #expect(virtual.region == "ap-south-1")

        #expect(throws: ObjectStoreError.self) { try S3Configuration(url: "s3://b/p", environment: [:]) }
        #expect(throws: ObjectStoreError.self) { try S3Configuration(url: "http://b/p", environment: env) }
        #expect(throws: ObjectStoreError.self) { try S3Configuration(url: "s3://b/p?endpoint=ftp://x", environment: env) }
        #expect(throws: ObjectStoreError.self) { try S3Configuration(url: "s3://b/p?addressing=sideways", environment: env) }
        #expect(throws: ObjectStoreError.self) { try S3Configuration(url: "s3://b/p?bogus=1", environment: env) }
    }

    @Test func xmlDocuments() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- comment -->
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><IsTruncated>true</IsTruncated>
              <Contents><Key>a &amp; b &lt;c&gt; &#233;&#x4E2D;</Key><ETag>&quot;abc&quot;</ETag><Size>12</Size></Contents>
              <Contents><Key><![CDATA[raw <key>]]></Key></Contents>
              <Empty/>
              <CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>
            </ListBucketResult>
            """
        let doc = try S3XML.parse(Array(text.utf8))
        #expect(doc.name == "ListBucketResult")
        #expect(doc.value("IsTruncated") == "true")
        #expect(doc.children("Contents").map { $0.value("Key") } == ["a & b <c> é中", "raw <key>"])
        #expect(doc.child("Contents")?.value("ETag") == "\"abc\"")
        #expect(doc.child("Empty")?.text == "")
        #expect(doc.children("CommonPrefixes").first?.value("Prefix") == "p/")
        for bad in ["", "<a>", "<a></b>", "<a>&bogus;</a>", "<a></a><b></b>", "text"] {
            #expect(throws: ObjectStoreError.self, "\(bad)") { try S3XML.parse(Array(bad.utf8)) }
        }
        #expect(S3XML.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;")
    }

    @Test func listTokensRoundTrip() {
        let token = ListToken.encode(entry: Array("data/é/".utf8), isPrefix: true)
        let decoded = ListToken.decode(token)
        #expect(decoded?.entry == Array("data/é/".utf8))
        #expect(decoded?.isPrefix == true)
        #expect(ListToken.decode("!!not a token") == nil)
    }

    @Test func httpDates() {
        #expect(HTTPDate.parse("Wed, 21 Oct 2015 07:28:00 GMT") == Date(timeIntervalSince1970: 1_445_412_480))
        #expect(HTTPDate.parseISO8601("2015-10-21T07:28:00.500Z") == Date(timeIntervalSince1970: 1_445_412_480.5))
        #expect(SigV4.timestamp(Date(timeIntervalSince1970: 1_445_412_480)) == "20151021T072800Z")
        #expect(SigV4.parseTimestamp("20151021T072800Z") == Date(timeIntervalSince1970: 1_445_412_480))
        #expect(SigV4.parseTimestamp("2015-10-21") == nil)
    }

    @Test func storageLocations() throws {
        let folder = temporaryFolder("location")
        #expect(try ObjectStoreLocation.open(folder + "/objects") is FolderObjectStore)
        #expect(FileManager.default.fileExists(atPath: folder + "/objects"))
        #expect(try ObjectStoreLocation.open("file://" + folder + "/other") is FolderObjectStore)
        let s3 = try ObjectStoreLocation.open("s3://b/p?endpoint=http://127.0.0.1:1", environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
        #expect((s3 as? S3ObjectStore)?.configuration.layout == .sharedBucket(bucket: "b", prefix: "p/"))
        #expect(throws: ObjectStoreError.self) { try ObjectStoreLocation.open("ftp://x/y") }
        #expect(throws: ObjectStoreError.self) { try ObjectStoreLocation.open("") }
        try FileManager.default.removeItem(atPath: folder)
    }
}
