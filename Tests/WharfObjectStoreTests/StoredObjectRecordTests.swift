import Foundation
import Testing
@testable import WharfObjectStore

/// The hand-written reader of object records agrees with JSONDecoder on what the store writes.
@Suite("StoredObject: record parsing")
struct StoredObjectRecordTests {
    static let records: [StoredObject] = [
        StoredObject(key: "plain/key.txt", size: 4096, etag: "0123456789abcdef0123456789abcdef", contentType: "application/octet-stream",
                     metadata: [:], lastModified: 1_763_880_000.123456, partNumber: nil),
        StoredObject(key: "q\"uote\\back/slash\ttab\u{1}ctl é 日本 🚢", size: 0, etag: "d41d8cd98f00b204e9800998ecf8427e-3",
                     contentType: "text/plain; charset=utf-8", metadata: ["owner": "ana/\"b\"", "emoji": "🚢", "": "empty name"],
                     lastModified: 0.1, partNumber: 7),
        StoredObject(key: String(repeating: "k", count: 1024), size: Int64(Int32.max) * 4, etag: "e", contentType: "",
                     metadata: ["a": "", "b": "\u{7F}\u{2028}"], lastModified: 1e9, partNumber: 10_000),
    ]

    @Test(arguments: records)
    func fastReaderMatchesJSONDecoder(_ record: StoredObject) throws {
        let trailer = try record.encodedTrailer()
        let length = Int(trailer[trailer.count - 12]) << 24 | Int(trailer[trailer.count - 11]) << 16
            | Int(trailer[trailer.count - 10]) << 8 | Int(trailer[trailer.count - 9])
        let json = Array(trailer[0..<length])
        let fast = try #require(json.withUnsafeBytes { StoredObject.parse($0) })
        let slow = try JSONDecoder().decode(StoredObject.self, from: Data(json))
        #expect(fast.key == slow.key && fast.key == record.key)
        #expect(fast.size == slow.size && fast.etag == slow.etag && fast.contentType == slow.contentType)
        #expect(fast.metadata == slow.metadata && fast.metadata == record.metadata)
        #expect(fast.lastModified == slow.lastModified && fast.partNumber == slow.partNumber)
    }

    @Test(arguments: [
        #"{"key":"k"}"#, #"{"contentType":"a","etag":"e","key":"k","lastModified":1,"metadata":{},"size":1,"extra":2}"#,
        #"{"contentType":"a","etag":"e","key":"k","lastModified":1,"metadata":{},"size":1.5}"#,
        #"{"contentType":"a","etag":"e","key":"k\u12","lastModified":1,"metadata":{},"size":1}"#,
        #"{"contentType":"a","etag":"e","key":"k","lastModified":1,"metadata":{},"size":1} trailing"#, "", "[]",
    ])
    func anythingElseIsLeftToJSONDecoder(_ text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { StoredObject.parse($0) } == nil)
    }
}
