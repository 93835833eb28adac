import Foundation
import Testing
import WharfObjectStore

@Suite("FolderObjectStore: shared ObjectStore behaviour")
struct FolderObjectStoreConformanceTests {
    let folder = TemporaryFolder("conformance")
    let store: FolderObjectStore
    init() throws {
        store = try FolderObjectStore(root: folder.path)
    }

    @Test func bucketLifecycle() async throws { try await ObjectStoreConformance.bucketLifecycle(store) }
    @Test func putGetHead() async throws { try await ObjectStoreConformance.putGetHead(store) }
    @Test func ranges() async throws { try await ObjectStoreConformance.ranges(store) }
    @Test func badMetadata() async throws { try await ObjectStoreConformance.badMetadata(store) }
    @Test func largeStreamingObject() async throws { try await ObjectStoreConformance.largeStreamingObject(store, multipart: false) }
    @Test func listing() async throws { try await ObjectStoreConformance.listing(store) }
    @Test func copy() async throws { try await ObjectStoreConformance.copy(store) }
    @Test func multipart() async throws { try await ObjectStoreConformance.multipart(store) }
    @Test func concurrentWriters() async throws { try await ObjectStoreConformance.concurrentWriters(store) }
    @Test func storedHeadersAndText() async throws { try await ObjectStoreConformance.storedHeadersAndText(store) }
    @Test func integrity() async throws { try await ObjectStoreConformance.integrity(store) }
    @Test func conditionalWrites() async throws { try await ObjectStoreConformance.conditionalWrites(store) }
}

@Suite(
    "S3ObjectStore: shared ObjectStore behaviour against a real S3 server",
    .enabled(if: TestS3.url != nil, "WHARF_TEST_S3_URL is not set (e.g. http://127.0.0.1:PORT of `python3 -m moto.server`): S3 backend tests skipped")
)
struct S3ObjectStoreConformanceTests {
    @Test func bucketLifecycle() async throws { try await ObjectStoreConformance.bucketLifecycle(try await TestS3.makeStore()) }
    @Test func putGetHead() async throws { try await ObjectStoreConformance.putGetHead(try await TestS3.makeStore()) }
    @Test func ranges() async throws { try await ObjectStoreConformance.ranges(try await TestS3.makeStore()) }
    @Test func badMetadata() async throws { try await ObjectStoreConformance.badMetadata(try await TestS3.makeStore()) }
    @Test func largeStreamingObject() async throws {
        try await ObjectStoreConformance.largeStreamingObject(try await TestS3.makeStore(), multipart: true)
    }
    @Test func listing() async throws { try await ObjectStoreConformance.listing(try await TestS3.makeStore()) }
    @Test func copy() async throws { try await ObjectStoreConformance.copy(try await TestS3.makeStore()) }
    @Test func multipart() async throws { try await ObjectStoreConformance.multipart(try await TestS3.makeStore()) }
    @Test func concurrentWriters() async throws { try await ObjectStoreConformance.concurrentWriters(try await TestS3.makeStore()) }
    @Test func storedHeadersAndText() async throws { try await ObjectStoreConformance.storedHeadersAndText(try await TestS3.makeStore()) }
    @Test func integrity() async throws { try await ObjectStoreConformance.integrity(try await TestS3.makeStore()) }
    @Test func conditionalWrites() async throws { try await ObjectStoreConformance.conditionalWrites(try await TestS3.makeStore()) }
}

@Suite(
    "S3ObjectStore with one real bucket per Wharf bucket against a real S3 server",
    .enabled(if: TestS3.url != nil, "WHARF_TEST_S3_URL is not set: S3 backend tests skipped")
)
struct S3BucketPerBucketConformanceTests {
    @Test func bucketLifecycle() async throws { try await ObjectStoreConformance.bucketLifecycle(try TestS3.makeBucketPerBucketStore()) }
    @Test func putGetHead() async throws { try await ObjectStoreConformance.putGetHead(try TestS3.makeBucketPerBucketStore()) }
    @Test func listing() async throws { try await ObjectStoreConformance.listing(try TestS3.makeBucketPerBucketStore()) }
    @Test func copy() async throws { try await ObjectStoreConformance.copy(try TestS3.makeBucketPerBucketStore()) }
    @Test func multipart() async throws { try await ObjectStoreConformance.multipart(try TestS3.makeBucketPerBucketStore()) }
}
