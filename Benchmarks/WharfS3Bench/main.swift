// Load generator for Benchmarks/s3.sh: PUTs or GETs small objects through any S3 endpoint with N
// requests in flight, each SigV4-signed (UNSIGNED-PAYLOAD) as the SDKs send them, and prints objects
// per second as JSON.
// The same binary drives Wharf and moto.
import AsyncHTTPClient
import Foundation
import NIOCore
import WharfObjectStore

struct Options {
    var endpoint = "http://127.0.0.1:8080"
    var bucket = "bench"
    var size = 4096
    var count = 5000
    var concurrency = 1
    var operation = "put"
    /// Keys are PREFIX/INDEX: each PUT writes a new key (moto refuses some overwrites), GETs read a PUT run's keys.
    var prefix = "obj"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { fatalError("missing value for \(flag)") }
            switch flag {
            case "--endpoint": endpoint = value
            case "--bucket": bucket = value
            case "--size": size = Int(value)!
            case "--count": count = Int(value)!
            case "--concurrency": concurrency = Int(value)!
            case "--op": operation = value
            case "--prefix": prefix = value
            default: fatalError("unknown flag \(flag)")
            }
        }
    }
}

let options = Options(CommandLine.arguments)
var configuration = HTTPClient.Configuration()
configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: options.concurrency)
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
let payload = ByteBuffer(bytes: (0..<options.size).map { UInt8(truncatingIfNeeded: $0 &* 31) })

let signer = SigV4Signer(
    credentials: SigV4Credentials(
        accessKeyId: ProcessInfo.processInfo.environment["AWS_ACCESS_KEY_ID"] ?? "bench",
        secretAccessKey: ProcessInfo.processInfo.environment["AWS_SECRET_ACCESS_KEY"] ?? "bench"
    ),
    region: "us-east-1"
)
let host = URL(string: options.endpoint)!.port.map { "\(URL(string: options.endpoint)!.host!):\($0)" } ?? URL(string: options.endpoint)!.host!

func request(_ index: Int) async throws {
    // `--op healthz` sends the same signed GET to a trivial route: the client's and HTTP's share of a GET.
    let path = options.operation == "healthz" ? "/healthz" : "/\(options.bucket)/\(options.prefix)/\(index)"
    var request = HTTPClientRequest(url: options.endpoint + path)
    var signable = SigV4Request(method: options.operation == "put" ? "PUT" : "GET", path: path, headers: [("host", host)])
    if options.operation == "put" {
        request.method = .PUT
        request.body = .bytes(payload)
        signable.headers.append(("content-type", "application/octet-stream"))
    }
    signer.sign(&signable, payloadHash: SigV4.unsignedPayload)
    for header in signable.headers where header.name != "host" { request.headers.add(name: header.name, value: header.value) }
    let response = try await client.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 1 << 24)
    guard response.status == .ok else { fatalError("\(options.operation) \(index): HTTP \(response.status.code)") }
    if options.operation == "get", body.readableBytes != options.size { fatalError("short GET: \(body.readableBytes) bytes") }
}

let start = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    var next = 0
    for _ in 0..<min(options.concurrency, options.count) {
        let index = next
        next += 1
        group.addTask { try await request(index) }
    }
    while try await group.next() != nil {
        if next < options.count {
            let index = next
            next += 1
            group.addTask { try await request(index) }
        }
    }
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(#"{"op": "\#(options.operation)", "concurrency": \#(options.concurrency), "count": \#(options.count), "seconds": \#(seconds), "objects_per_second": \#(Double(options.count) / seconds)}"#)
try await client.shutdown()
