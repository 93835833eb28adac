import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFileSystem
import WharfObjectStore

/// Uploads a large file as an S3 multipart upload: parts read straight from the file, a few in
/// flight at once (memory stays at a few read chunks per part), the upload aborted on any failure.
struct MultipartUpload {
    let client: S3Client
    let bucket: String
    let key: String
    let partSize: Int64
    let parallelParts: Int

    /// Uploads `size` bytes of `handle`; returns the ETag of the assembled object.
    func run(_ handle: ReadFileHandle, size: Int64, progress: TransferProgress) async throws -> String {
        let created = try await client.send(.POST, bucket: bucket, key: key, query: [("uploads", "")])
        let document = try S3XML.parse(Array(try await created.body.collect(upTo: 1 << 20).readableBytesView))
        guard let uploadId = document.value("UploadId") else {
            throw CommandFailure(message: "CreateMultipartUpload answered without an UploadId", exitCode: 1)
        }
        do {
            let etags = try await uploadParts(handle, size: size, uploadId: uploadId, progress: progress)
            return try await complete(uploadId: uploadId, etags: etags)
        } catch {
            _ = try? await client.send(.DELETE, bucket: bucket, key: key, query: [("uploadId", uploadId)])
            throw error
        }
    }

    /// The byte ranges of the parts, in part-number order.
    static func ranges(size: Int64, partSize: Int64) -> [Range<Int64>] {
        stride(from: Int64(0), to: max(size, 1), by: Int(partSize)).map { $0..<min($0 + partSize, size) }
    }

    private func uploadParts(_ handle: ReadFileHandle, size: Int64, uploadId: String, progress: TransferProgress) async throws -> [String] {
        let ranges = Self.ranges(size: size, partSize: partSize)
        var etags = [String](repeating: "", count: ranges.count)
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask { (index, try await uploadPart(handle, range: ranges[index], number: index + 1, uploadId: uploadId, progress: progress)) }
            }
            while next < min(parallelParts, ranges.count) { start() }
            while let (index, etag) = try await group.next() {
                etags[index] = etag
                if next < ranges.count { start() }
            }
        }
        return etags
    }

    private func uploadPart(_ handle: ReadFileHandle, range: Range<Int64>, number: Int, uploadId: String, progress: TransferProgress) async throws -> String {
        let length = range.upperBound - range.lowerBound
        let chunks = handle.readChunks(in: range, chunkLength: .mebibytes(1)).map { chunk -> ByteBuffer in
            progress.advance(chunk.readableBytes)
            return chunk
        }
        let response = try await client.send(
            .PUT, bucket: bucket, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)],
            body: .stream(chunks, length: .known(length)), contentLength: length)
        guard let etag = response.headers.first(name: "etag") else {
            throw CommandFailure(message: "UploadPart \(number) answered without an ETag", exitCode: 1)
        }
        return etag
    }

    private func complete(uploadId: String, etags: [String]) async throws -> String {
        var xml = "<CompleteMultipartUpload>"
        for (index, etag) in etags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(escaped(etag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = ByteBuffer(string: xml)
        let response = try await client.send(
            .POST, bucket: bucket, key: key, query: [("uploadId", uploadId)],
            body: .bytes(body), contentLength: Int64(body.readableBytes))
        let text = try await response.body.collect(upTo: 1 << 20)
        let document = try S3XML.parse(Array(text.readableBytesView))
        // S3 may answer 200 with an <Error> document when the completion fails late.
        if document.name == "Error" {
            throw CommandFailure(message: "\(document.value("Code") ?? "Error"): \(document.value("Message") ?? "")", exitCode: 1)
        }
        return document.value("ETag") ?? ""
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
