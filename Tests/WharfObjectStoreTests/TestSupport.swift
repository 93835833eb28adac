import Crypto
import Foundation
import NIOCore
import WharfObjectStore

/// A body of `size` deterministic pseudo-random bytes, produced chunk by chunk (never whole).
struct GeneratedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let size: Int
    let seed: UInt64
    var chunkSize = 64 << 10

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: Int
        var state: UInt64
        let chunkSize: Int
        mutating func next() async -> ByteBuffer? {
            guard remaining > 0 else { return nil }
            let n = Swift.min(chunkSize, remaining)
            remaining -= n
            var buffer = ByteBufferAllocator().buffer(capacity: n)
            var s = state
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { raw in
                for i in 0..<n {
                    s ^= s << 13; s ^= s >> 7; s ^= s << 17
                    raw[i] = UInt8(truncatingIfNeeded: s)
                }
                return n
            }
            state = s
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(remaining: size, state: seed | 1, chunkSize: chunkSize)
    }

    /// SHA-256 and MD5 of the whole body, computed by streaming it.
    func digests() async -> (sha256: String, md5: String) {
        var sha = SHA256()
        var md5 = Insecure.MD5()
        for await chunk in self {
            chunk.withUnsafeReadableBytes {
                sha.update(bufferPointer: $0)
                md5.update(bufferPointer: $0)
            }
        }
        return (hex(sha.finalize()), hex(md5.finalize()))
    }
}

func hex(_ digest: some Sequence<UInt8>) -> String {
    digest.map { String(format: "%02x", $0) }.joined()
}

func md5Hex(_ bytes: [UInt8]) -> String { hex(Insecure.MD5.hash(data: bytes)) }

/// Streams an object body and returns its SHA-256 and length.
func digest(of body: ObjectBody) async throws -> (sha256: String, length: Int) {
    var sha = SHA256()
    var length = 0
    for try await chunk in body {
        length += chunk.readableBytes
        chunk.withUnsafeReadableBytes { sha.update(bufferPointer: $0) }
    }
    return (hex(sha.finalize()), length)
}

func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func string(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

/// A fresh empty folder under the system temp folder.
func temporaryFolder(_ label: String) -> String {
    let path = NSTemporaryDirectory() + "wharf-objstore-\(label)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A temporary folder removed when the test suite instance owning it goes away.
final class TemporaryFolder: Sendable {
    let path: String
    init(_ label: String) { path = temporaryFolder(label) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func uniqueBucket(_ label: String) -> String {
    "\(label)-\(UUID().uuidString.lowercased().prefix(8))"
}

/// Runs `body` and returns the ObjectStoreError it threw, nil if it threw none.
func storeError(_ body: () async throws -> Void) async -> ObjectStoreError? {
    do {
        try await body()
        return nil
    } catch let error as ObjectStoreError {
        return error
    } catch {
        return .backend("unexpected error \(error)")
    }
}

/// The S3 server the shared suite also runs against (moto in CI), from `WHARF_TEST_S3_URL`.
enum TestS3 {
    static let url = ProcessInfo.processInfo.environment["WHARF_TEST_S3_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// A store under a fresh prefix of the backing bucket `wharf-test`.
    static func makeStore(partSize: Int = 16 << 20) async throws -> S3ObjectStore {
        let configuration = try S3Configuration(
            endpoint: URL(string: url!)!, bucket: "wharf-test", prefix: "run-\(UUID().uuidString.lowercased())/",
            region: "us-east-1", credentials: SigV4Credentials(accessKeyId: "test", secretAccessKey: "test"), partSize: partSize)
        let store = S3ObjectStore(configuration: configuration)
        try await store.createBackingBucketIfNeeded()
        return store
    }

    /// A plain S3 client: each Wharf bucket is a real bucket, under a per-test name prefix.
    static func makeBucketPerBucketStore() throws -> S3ObjectStore {
        let configuration = try S3Configuration(
            endpoint: URL(string: url!)!, layout: .bucketPerBucket(namePrefix: "t\(UUID().uuidString.lowercased().prefix(6))-"),
            credentials: SigV4Credentials(accessKeyId: "test", secretAccessKey: "test"))
        return S3ObjectStore(configuration: configuration)
    }
}
