import Foundation
import NIOCore

extension S3ObjectStore {
    public func createMultipartUpload(bucket: String, key: String, options: PutOptions) async throws -> String {
        try ObjectKey.validate(key)
        try options.validate()
        try await requireBucket(bucket)
        let response = try await send(.POST, configuration.object(bucket, key), query: [("uploads", "")], headers: Self.metadataHeaders(options))
        guard response.status == .ok, let id = try? S3XML.parse(Array(response.body.readableBytesView)).value("UploadId") else {
            throw failure(response, bucket: bucket, key: key)
        }
        return id
    }

    func sendPart(_ target: S3Target, bucket: String, uploadId: String, partNumber: Int, bytes: ByteBuffer) async throws -> PartInfo {
        let response = try await send(
            .PUT, target, query: [("partNumber", String(partNumber)), ("uploadId", uploadId)], body: bytes)
        guard response.status == .ok else { throw failure(response, bucket: bucket, uploadId: uploadId) }
        return PartInfo(partNumber: partNumber, size: Int64(bytes.readableBytes), etag: Self.etag(response.headers), lastModified: Date())
    }

    /// Gathers the part in memory (parts are at most a few tens of MiB) so it can be signed and
    /// retried.
    public func uploadPart<Body: AsyncSequence & Sendable>(
        bucket: String, key: String, uploadId: String, partNumber: Int, body: Body, integrity: Integrity?
    ) async throws -> PartInfo where Body.Element == ByteBuffer {
        try ObjectKey.validate(key)
        guard (1...MultipartLimits.maximumPartNumber).contains(partNumber) else {
            throw ObjectStoreError.invalidArgument(field: "partNumber", reason: "must be between 1 and \(MultipartLimits.maximumPartNumber)")
        }
        var bytes = ByteBuffer()
        for try await var chunk in body {
            guard bytes.readableBytes + chunk.readableBytes <= 5 << 30 else {
                throw ObjectStoreError.invalidArgument(field: "body", reason: "a part is at most 5 GiB")
            }
            bytes.writeBuffer(&chunk)
        }
        if let integrity { _ = try Self.verify(bytes, integrity) }
        return try await sendPart(
            configuration.object(bucket, key), bucket: bucket, uploadId: uploadId, partNumber: partNumber, bytes: bytes)
    }

    public func listParts(bucket: String, key: String, uploadId: String) async throws -> [PartInfo] {
        try ObjectKey.validate(key)
        var parts: [PartInfo] = []
        var marker: String?
        repeat {
            var query: [(name: String, value: String)] = [("uploadId", uploadId)]
            if let marker { query.append(("part-number-marker", marker)) }
            let response = try await send(.GET, configuration.object(bucket, key), query: query)
            guard response.status == .ok else { throw failure(response, bucket: bucket, key: key, uploadId: uploadId) }
            let document = try S3XML.parse(Array(response.body.readableBytesView))
            for part in document.children("Part") {
                guard let number = part.value("PartNumber").flatMap({ Int($0) }) else { continue }
                parts.append(PartInfo(
                    partNumber: number, size: part.value("Size").flatMap { Int64($0) } ?? 0,
                    etag: Self.unquote(part.value("ETag") ?? ""),
                    lastModified: part.value("LastModified").flatMap(HTTPDate.parseISO8601) ?? Date()))
            }
            marker = document.value("IsTruncated") == "true" ? document.value("NextPartNumberMarker") : nil
        } while marker != nil
        return parts
    }

    public func completeMultipartUpload(
        bucket: String, key: String, uploadId: String, parts: [CompletedPart], condition: WriteCondition?
    ) async throws -> PutResult {
        try ObjectKey.validate(key)
        guard !parts.isEmpty else { throw ObjectStoreError.invalidArgument(field: "Part", reason: "the completion names no parts") }
        for index in parts.indices.dropFirst() where parts[index].partNumber <= parts[index - 1].partNumber {
            throw ObjectStoreError.invalidPartOrder("part \(parts[index].partNumber) follows part \(parts[index - 1].partNumber)")
        }
        var xml = "<CompleteMultipartUpload>"
        for part in parts {
            xml += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>\"\(S3XML.escape(Self.unquote(part.etag)))\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send(
            .POST, configuration.object(bucket, key), query: [("uploadId", uploadId)], headers: Self.conditionHeaders(condition),
            body: ByteBuffer(string: xml))
        // S3 may answer 200 with an <Error> document when the completion fails late.
        let document = try? S3XML.parse(Array(response.body.readableBytesView))
        guard response.status == .ok, let document, document.name != "Error" else {
            throw failure(response, bucket: bucket, key: key, uploadId: uploadId)
        }
        let info = try await headObject(bucket: bucket, key: key)
        return PutResult(size: info.size, etag: Self.unquote(document.value("ETag") ?? info.etag), lastModified: info.lastModified)
    }

    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        try ObjectKey.validate(key)
        let response = try await send(.DELETE, configuration.object(bucket, key), query: [("uploadId", uploadId)])
        guard response.status == .noContent || response.status == .ok else {
            throw failure(response, bucket: bucket, key: key, uploadId: uploadId)
        }
    }

    public func listMultipartUploads(bucket: String, prefix: String) async throws -> [MultipartUploadInfo] {
        try await requireBucket(bucket)
        let (realBucket, base) = configuration.objectBase(bucket)
        var uploads: [MultipartUploadInfo] = []
        var keyMarker: String?
        var idMarker: String?
        repeat {
            var query: [(name: String, value: String)] = [("uploads", ""), ("prefix", base + prefix)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let idMarker { query.append(("upload-id-marker", idMarker)) }
            let response = try await send(.GET, S3Target(bucket: realBucket, key: nil), query: query)
            guard response.status == .ok else { throw failure(response, bucket: bucket) }
            let document = try S3XML.parse(Array(response.body.readableBytesView))
            for upload in document.children("Upload") {
                guard let key = upload.value("Key"), let id = upload.value("UploadId"), key.hasPrefix(base) else { continue }
                uploads.append(MultipartUploadInfo(
                    key: String(key.dropFirst(base.count)), uploadId: id,
                    initiated: upload.value("Initiated").flatMap(HTTPDate.parseISO8601) ?? Date()))
            }
            let truncated = document.value("IsTruncated") == "true"
            keyMarker = truncated ? document.value("NextKeyMarker") : nil
            idMarker = truncated ? document.value("NextUploadIdMarker") : nil
        } while keyMarker != nil
        return uploads
    }
}

/// The two date formats S3 speaks: RFC 1123 in headers, ISO 8601 in XML.
enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Wed, 21 Oct 2015 07:28:00 GMT`
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, let day = Int32(parts[1]), let month = months.firstIndex(of: String(parts[2])),
            let year = Int32(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int32($0) }
        guard time.count == 3 else { return nil }
        return make(year: year, month: Int32(month + 1), day: day, hour: time[0], minute: time[1], second: time[2], fraction: 0)
    }

    /// `2009-10-12T17:50:30.000Z`
    static func parseISO8601(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ r: Range<Int>) -> Int32? { Int32(String(decoding: b[r], as: UTF8.self)) }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19)
        else { return nil }
        var fraction = 0.0
        if b.count > 20, b[19] == UInt8(ascii: "."), let f = Double("0" + String(decoding: b[19..<(b.count - 1)], as: UTF8.self)) {
            fraction = f
        }
        return make(year: y, month: mo, day: d, hour: h, minute: mi, second: s, fraction: fraction)
    }

    static func make(year: Int32, month: Int32, day: Int32, hour: Int32, minute: Int32, second: Int32, fraction: Double) -> Date {
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)) + fraction)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
