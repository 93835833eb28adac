import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
@testable import WharfObjectStore

/// A loopback HTTP server that answers 503 to its first `failures` requests, then 200, and
/// remembers each request's headers.
final class FlakyServer: @unchecked Sendable {
    let channel: Channel
    let lock = NSLock()
    private var seen: [HTTPRequestHead] = []
    let failures: Int

    var port: Int { channel.localAddress!.port! }
    var requests: [HTTPRequestHead] { lock.withLock { seen } }

    init(failures: Int) async throws {
        self.failures = failures
        let box = Box()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        box.server = self
    }

    func record(_ head: HTTPRequestHead) -> Int {
        lock.withLock {
            seen.append(head)
            return seen.count
        }
    }

    final class Box: @unchecked Sendable { weak var server: FlakyServer? }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: Box
        init(server: Box) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data), let server = server.server else { return }
            let count = server.record(head)
            let status: HTTPResponseStatus = count <= server.failures ? .serviceUnavailable : .ok
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: "0")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func stop() async throws { try await channel.close() }
}

@Suite("S3ObjectStore: retries and signing on the wire")
struct S3RetryTests {
    func store(port: Int, attempts: Int) throws -> S3ObjectStore {
        let configuration = try S3Configuration(
            endpoint: URL(string: "http://127.0.0.1:\(port)")!, bucket: "backing", prefix: "p",
            credentials: SigV4Credentials(accessKeyId: "AK", secretAccessKey: "SK"), maximumAttempts: attempts)
        return S3ObjectStore(configuration: configuration)
    }

    @Test func retriesServerErrorsWithBackoff() async throws {
        let server = try await FlakyServer(failures: 2)
        let store = try store(port: server.port, attempts: 4)
        try await store.checkHealth()
        #expect(server.requests.count == 3)
        // Every attempt is signed afresh and addressed path-style.
        for head in server.requests {
            #expect(head.uri == "/backing/")
            #expect(head.headers.first(name: "authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AK/") == true)
            #expect(head.headers.first(name: "x-amz-content-sha256") == SigV4.emptyPayloadHash)
        }
        try await server.stop()
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        let server = try await FlakyServer(failures: 10)
        let store = try store(port: server.port, attempts: 3)
        let error = await storeError { try await store.checkHealth() }
        #expect(error?.s3Code == "InternalError")
        #expect(server.requests.count == 3)
        try await server.stop()
    }

    @Test func retriesRefusedConnections() async throws {
        // Bind and close a server to get a port nobody listens on.
        let server = try await FlakyServer(failures: 0)
        let port = server.port
        try await server.stop()
        let store = try store(port: port, attempts: 2)
        await #expect(throws: (any Error).self) { try await store.checkHealth() }
    }

    @Test func putKeysAreEncodedAndPrefixed() async throws {
        let server = try await FlakyServer(failures: 0)
        let store = try store(port: server.port, attempts: 1)
        _ = try await store.putObject(bucket: "my-bucket", key: "dir/a b+c.txt", bytes: buffer("x"))
        let put = server.requests.last!
        #expect(put.method == .PUT)
        #expect(put.uri == "/backing/p/my-bucket/dir/a%20b%2Bc.txt")
        #expect(put.headers.first(name: "x-amz-content-sha256") == SigV4.sha256Hex(Array("x".utf8)))
        try await server.stop()
    }

    @Test func presignedURLsVerify() async throws {
        let store = try store(port: 9, attempts: 1)
        let now = Date()
        let url = try store.presignedURL(bucket: "my-bucket", key: "dir/a b.csv", expires: 60, date: now)
        #expect(url.hasPrefix("http://127.0.0.1:9/backing/p/my-bucket/dir/a%20b.csv?"))
        let components = URLComponents(string: url)!
        let request = SigV4Request(method: "GET", path: components.percentEncodedPath, query: components.percentEncodedQuery!, headers: [("Host", "127.0.0.1:9")])
        let verified = try await SigV4Verifier().verify(request, now: now) { $0 == "AK" ? "SK" : nil }
        #expect(verified.accessKeyId == "AK")
        #expect(throws: ObjectStoreError.self) { _ = try store.presignedURL(bucket: "my-bucket", key: "../x", expires: 60) }
    }
}
