// Load generator for Benchmarks/s3.sh: PUTs or GETs small objects through any S3 endpoint with N
// requests in flight, each SigV4-signed (UNSIGNED-PAYLOAD) as the SDKs send them, and prints objects
// per second as JSON. The same binary drives Wharf and moto.
//
// Each of the N connections is a blocking keep-alive HTTP/1.1 socket on its own thread: the
// client's own cost per request stays a few microseconds, so the figure is the server's rate.
// (AsyncHTTPClient, used before, spent about as much CPU per request as Wharf does on a GET;
// `--op healthz` measures what a trivial route costs with this client.)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
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
let url = URL(string: options.endpoint)!
let hostName = url.host!
let port = url.port ?? 80
let host = url.port.map { "\(hostName):\($0)" } ?? hostName
let payload = (0..<options.size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
let signer = SigV4Signer(
    credentials: SigV4Credentials(
        accessKeyId: ProcessInfo.processInfo.environment["AWS_ACCESS_KEY_ID"] ?? "bench",
        secretAccessKey: ProcessInfo.processInfo.environment["AWS_SECRET_ACCESS_KEY"] ?? "bench"
    ),
    region: "us-east-1"
)

/// The bytes of one signed request.
func request(_ index: Int) -> [UInt8] {
    // `--op healthz` sends the same signed GET to a trivial route: the client's and HTTP's share of a GET.
    let path = options.operation == "healthz" ? "/healthz" : "/\(options.bucket)/\(options.prefix)/\(index)"
    let put = options.operation == "put"
    var signable = SigV4Request(method: put ? "PUT" : "GET", path: path, headers: [("host", host)])
    if put { signable.headers.append(("content-type", "application/octet-stream")) }
    signer.sign(&signable, payloadHash: SigV4.unsignedPayload)
    var head = "\(put ? "PUT" : "GET") \(path) HTTP/1.1\r\nHost: \(host)\r\n"
    for header in signable.headers where header.name != "host" { head += "\(header.name): \(header.value)\r\n" }
    head += "Content-Length: \(put ? payload.count : 0)\r\n\r\n"
    return Array(head.utf8) + (put ? payload : [])
}

/// One keep-alive connection, reopened when the server closes it.
final class Connection {
    var fd: Int32 = -1
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Unread bytes are buffer[start..<filled].
    var start = 0
    var filled = 0

    func open() {
        if fd >= 0 { close(fd) }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, hostName == "localhost" ? "127.0.0.1" : hostName, &address.sin_addr) == 1 else {
            fatalError("the load generator needs a numeric IPv4 endpoint, got \(hostName)")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { fatalError("connect: \(String(cString: strerror(errno)))") }
        start = 0
        filled = 0
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { fatalError("write: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads more bytes after `filled`; false at the end of the stream.
    func fill() -> Bool {
        if filled == buffer.count {
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, filled - start)
                }
                filled -= start
                start = 0
            } else {
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
        }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
        guard n >= 0 else { fatalError("read: \(String(cString: strerror(errno)))") }
        filled += n
        return n > 0
    }

    /// Reads one response; returns its status, body length and whether the server keeps the connection.
    func response() -> (status: Int, bodyLength: Int, keepAlive: Bool) {
        var headEnd: Int?
        var searched = start
        while headEnd == nil {
            while searched + 4 <= filled {
                if buffer[searched] == 13 && buffer[searched + 1] == 10 && buffer[searched + 2] == 13 && buffer[searched + 3] == 10 {
                    headEnd = searched + 4
                    break
                }
                searched += 1
            }
            if headEnd == nil {
                let before = start
                if !fill() { fatalError("connection closed before a response head") }
                searched -= before - start
            }
        }
        let lines = String(decoding: buffer[start..<headEnd!], as: UTF8.self).split(separator: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1])!
        var length = 0
        var keepAlive = lines[0].hasPrefix("HTTP/1.1")
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).lowercased()
            if name == "content-length" { length = Int(value)! }
            if name == "connection" { keepAlive = value == "keep-alive" }
            if name == "transfer-encoding" { fatalError("chunked responses are not expected here") }
        }
        var bodyStart = headEnd!
        while filled < bodyStart + length {
            let before = start
            if !fill() { fatalError("connection closed inside a response body") }
            bodyStart -= before - start
        }
        start = bodyStart + length
        if start == filled {
            start = 0
            filled = 0
        }
        return (status, length, keepAlive)
    }
}

let next = Atomic<Int>(0)
let failure = Mutex<String?>(nil)
let start = ContinuousClock.now
let done = DispatchGroup()
for _ in 0..<min(options.concurrency, options.count) {
    done.enter()
    Thread.detachNewThread {
        defer { done.leave() }
        let connection = Connection()
        connection.open()
        defer { close(connection.fd) }
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            guard index < options.count else { return }
            connection.send(request(index))
            let (status, length, keepAlive) = connection.response()
            if status != 200 || (options.operation == "get" && length != options.size) {
                failure.withLock { $0 = "\(options.operation) \(index): HTTP \(status), \(length) bytes" }
                return
            }
            if !keepAlive { connection.open() }
        }
    }
}
done.wait()
if let message = failure.withLock({ $0 }) { fatalError(message) }
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(#"{"op": "\#(options.operation)", "concurrency": \#(options.concurrency), "count": \#(options.count), "seconds": \#(seconds), "objects_per_second": \#(Double(options.count) / seconds)}"#)
