import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WharfObjectStore
import WharfPlatform

/// The S3 operations over an ObjectStore: each turns one parsed call into a store call and an S3 response.
struct S3Operations: Sendable {
    let store: any ObjectStore
    /// The registry's word on artifacts an alias points at: the S3 face deletes and overwrites them no
    /// more than `/v1` and MLflow do (nil: nothing is protected, as for a bare store in tests).
    let registry: RegistryService?

    init(store: any ObjectStore, registry: RegistryService? = nil) {
        self.store = store
        self.registry = registry
    }
    /// The largest XML body a call may send (DeleteObjects with 1,000 keys fits easily).
    static let xmlBodyLimit = 2 * 1024 * 1024

    func perform(_ request: Request, s3: S3Request, caller: S3Authenticator.Caller, authenticator: S3Authenticator) async throws -> Response {
        if s3.bucket == ArtifactRepository.bucket, let key = s3.key, Self.replacesBytes.contains(s3.operation) {
            try await requireUnprotected(key)
        }
        switch s3.operation {
        case "ListBuckets": return try await listBuckets(s3)
        case "CreateBucket": return try await createBucket(s3.bucket!)
        case "HeadBucket":
            guard try await store.bucketExists(s3.bucket!) else { throw ObjectStoreError.noSuchBucket(s3.bucket!) }
            return Response(status: .ok, headers: [.contentLength: "0"])
        case "DeleteBucket":
            try await store.deleteBucket(s3.bucket!)
            return Response(status: .noContent)
        case "GetBucketLocation":
            guard try await store.bucketExists(s3.bucket!) else { throw ObjectStoreError.noSuchBucket(s3.bucket!) }
            return xml(S3XMLWriter.document("LocationConstraint") { _ in })
        case "GetBucketVersioning":
            guard try await store.bucketExists(s3.bucket!) else { throw ObjectStoreError.noSuchBucket(s3.bucket!) }
            return xml(S3XMLWriter.document("VersioningConfiguration") { _ in })
        case "ListObjectsV2", "ListObjects": return try await listObjects(s3)
        case "DeleteObjects": return try await deleteObjects(request, s3: s3)
        case "ListMultipartUploads": return try await listUploads(s3)
        case "PutObject":
            let result = try await store.putObject(
                bucket: s3.bucket!, key: s3.key!,
                body: authenticator.body(of: request, s3: s3, caller: caller),
                options: try putOptions(s3, integrity: try integrity(s3), condition: try writeCondition(s3))
            )
            return Response(status: .ok, headers: [S3Headers.etag: quoted(result.etag), .contentLength: "0"])
        case "CopyObject": return try await copyObject(s3)
        case "GetObjectTagging":
            return tagging(try await store.objectTags(bucket: s3.bucket!, key: s3.key!))
        case "PutObjectTagging":
            try await store.putObjectTags(bucket: s3.bucket!, key: s3.key!, tags: try taggingBody(request))
            return Response(status: .ok, headers: [.contentLength: "0"])
        case "DeleteObjectTagging":
            try await store.putObjectTags(bucket: s3.bucket!, key: s3.key!, tags: [:])
            return Response(status: .noContent)
        case "GetBucketTagging":
            guard let tags = try await store.bucketTags(s3.bucket!) else { throw ObjectStoreError.noSuchTagSet(s3.bucket!) }
            return tagging(tags)
        case "PutBucketTagging":
            try await store.putBucketTags(s3.bucket!, tags: try taggingBody(request))
            return Response(status: .noContent)
        case "DeleteBucketTagging":
            try await store.putBucketTags(s3.bucket!, tags: nil)
            return Response(status: .noContent)
        case "GetObject", "HeadObject": return try await getObject(s3)
        case "DeleteObject":
            try await store.deleteObject(bucket: s3.bucket!, key: s3.key!)
            return Response(status: .noContent)
        case "CreateMultipartUpload":
            let uploadId = try await store.createMultipartUpload(bucket: s3.bucket!, key: s3.key!, options: try putOptions(s3))
            return xml(S3XMLWriter.document("InitiateMultipartUploadResult") { xml in
                xml.element("Bucket", s3.bucket!)
                xml.element("Key", s3.key!)
                xml.element("UploadId", uploadId)
            })
        case "UploadPart":
            let part = try await store.uploadPart(
                bucket: s3.bucket!, key: s3.key!, uploadId: s3.query["uploadId"]!, partNumber: try partNumber(s3),
                body: authenticator.body(of: request, s3: s3, caller: caller), integrity: try integrity(s3)
            )
            return Response(status: .ok, headers: [S3Headers.etag: quoted(part.etag), .contentLength: "0"])
        case "UploadPartCopy": return try await uploadPartCopy(s3)
        case "ListParts": return try await listParts(s3)
        case "CompleteMultipartUpload": return try await completeUpload(request, s3: s3)
        case "AbortMultipartUpload":
            try await store.abortMultipartUpload(bucket: s3.bucket!, key: s3.key!, uploadId: s3.query["uploadId"]!)
            return Response(status: .noContent)
        default:
            throw S3Error(status: 501, code: "NotImplemented", message: "\(s3.method.rawValue) \(s3.rawPath) is not an S3 operation Wharf implements")
        }
    }

    /// Operations that remove or replace an object's bytes at the request's key.
    static let replacesBytes: Set<String> = ["PutObject", "CopyObject", "DeleteObject", "CompleteMultipartUpload"]

    /// Refuses to remove or replace an artifact of a model version an alias points at.
    private func requireUnprotected(_ key: String) async throws {
        guard let registry, try await registry.isProtected(artifactPath: key) else { return }
        throw S3Error.accessDenied(
            "'\(ArtifactRepository.bucket)/\(key)' belongs to a model version an alias points at: move or remove the alias first")
    }

    // MARK: buckets

    private func listBuckets(_ s3: S3Request) async throws -> Response {
        var maxBuckets = 10_000
        if let text = s3.query["max-buckets"] {
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw S3Error.invalidArgument("max-buckets must be an integer from 1 to 10000, got '\(text)'")
            }
            maxBuckets = value
        }
        let prefix = s3.query["prefix"] ?? ""
        let after = s3.query["continuation-token"].flatMap { $0.isEmpty ? nil : $0 }
        let matching = try await store.listBuckets().filter { bucket in
            bucket.name.hasPrefix(prefix) && after.map { bucket.name > $0 } ?? true
        }
        let buckets = matching.prefix(maxBuckets)
        let next = matching.count > maxBuckets ? buckets.last?.name : nil
        return xml(S3XMLWriter.document("ListAllMyBucketsResult") { xml in
            xml.element("Owner") { owner in
                owner.element("ID", "wharf")
                owner.element("DisplayName", "wharf")
            }
            xml.element("Buckets") { list in
                for bucket in buckets {
                    list.element("Bucket") { entry in
                        entry.element("Name", bucket.name)
                        entry.element("CreationDate", S3XMLWriter.timestamp(bucket.creationDate))
                    }
                }
            }
            if let next { xml.element("ContinuationToken", next) }
            if s3.query["prefix"] != nil { xml.element("Prefix", prefix) }
        })
    }

    private func createBucket(_ bucket: String) async throws -> Response {
        try await store.createBucket(bucket)
        return Response(status: .ok, headers: [.location: "/\(bucket)", .contentLength: "0"])
    }

    // MARK: listing

    private func listObjects(_ s3: S3Request) async throws -> Response {
        let v2 = s3.operation == "ListObjectsV2"
        var maxKeys = 1000
        if let text = s3.query["max-keys"] {
            guard let value = Int(text), value >= 0 else { throw S3Error.invalidArgument("max-keys must be a non-negative integer, got '\(text)'") }
            maxKeys = min(value, 1000)
        }
        let delimiter = s3.query["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        let prefix = s3.query["prefix"] ?? ""
        let encode = s3.query["encoding-type"] == "url"
        let fetchOwner = s3.query["fetch-owner"] == "true"
        let listing: ObjectListing
        if maxKeys == 0 {
            guard try await store.bucketExists(s3.bucket!) else { throw ObjectStoreError.noSuchBucket(s3.bucket!) }
            listing = ObjectListing(objects: [], commonPrefixes: [], isTruncated: false, nextContinuationToken: nil, lastEntry: nil)
        } else {
            listing = try await store.listObjects(bucket: s3.bucket!, request: ListObjectsRequest(
                prefix: prefix,
                delimiter: delimiter,
                startAfter: v2 ? s3.query["start-after"] : s3.query["marker"],
                continuationToken: v2 ? s3.query["continuation-token"].flatMap { $0.isEmpty ? nil : $0 } : nil,
                maxKeys: maxKeys
            ))
        }
        func text(_ value: String) -> String { encode ? SigV4.uriEncode(value, encodeSlash: false) : value }
        return xml(S3XMLWriter.document("ListBucketResult") { xml in
            xml.element("Name", s3.bucket!)
            // v1 echoes the prefix as sent; v2 encodes it with the keys.
            xml.element("Prefix", v2 ? text(prefix) : prefix)
            if let delimiter { xml.element("Delimiter", text(delimiter)) }
            xml.element("MaxKeys", String(maxKeys))
            if encode { xml.element("EncodingType", "url") }
            xml.element("IsTruncated", listing.isTruncated ? "true" : "false")
            if v2 {
                xml.element("KeyCount", String(listing.objects.count + listing.commonPrefixes.count))
                if let token = s3.query["continuation-token"] { xml.element("ContinuationToken", token) }
                if let startAfter = s3.query["start-after"] { xml.element("StartAfter", text(startAfter)) }
                if listing.isTruncated, let next = listing.nextContinuationToken { xml.element("NextContinuationToken", next) }
            } else {
                xml.element("Marker", text(s3.query["marker"] ?? ""))
                if listing.isTruncated, delimiter != nil, let last = listing.lastEntry { xml.element("NextMarker", text(last)) }
            }
            for object in listing.objects {
                xml.element("Contents") { entry in
                    entry.element("Key", text(object.key))
                    entry.element("LastModified", S3XMLWriter.timestamp(object.lastModified))
                    entry.element("ETag", quoted(object.etag))
                    entry.element("Size", String(object.size))
                    entry.element("StorageClass", "STANDARD")
                    if !v2 || fetchOwner {
                        entry.element("Owner") { owner in
                            owner.element("ID", "wharf")
                            owner.element("DisplayName", "wharf")
                        }
                    }
                }
            }
            for commonPrefix in listing.commonPrefixes {
                xml.element("CommonPrefixes") { entry in entry.element("Prefix", text(commonPrefix)) }
            }
        })
    }

    private func listUploads(_ s3: S3Request) async throws -> Response {
        let uploads = try await store.listMultipartUploads(bucket: s3.bucket!, prefix: s3.query["prefix"] ?? "")
        return xml(S3XMLWriter.document("ListMultipartUploadsResult") { xml in
            xml.element("Bucket", s3.bucket!)
            xml.element("IsTruncated", "false")
            for upload in uploads {
                xml.element("Upload") { entry in
                    entry.element("Key", upload.key)
                    entry.element("UploadId", upload.uploadId)
                    entry.element("Initiated", S3XMLWriter.timestamp(upload.initiated))
                    entry.element("StorageClass", "STANDARD")
                }
            }
        })
    }

    private func listParts(_ s3: S3Request) async throws -> Response {
        let parts = try await store.listParts(bucket: s3.bucket!, key: s3.key!, uploadId: s3.query["uploadId"]!)
        return xml(S3XMLWriter.document("ListPartsResult") { xml in
            xml.element("Bucket", s3.bucket!)
            xml.element("Key", s3.key!)
            xml.element("UploadId", s3.query["uploadId"]!)
            xml.element("IsTruncated", "false")
            for part in parts {
                xml.element("Part") { entry in
                    entry.element("PartNumber", String(part.partNumber))
                    entry.element("LastModified", S3XMLWriter.timestamp(part.lastModified))
                    entry.element("ETag", quoted(part.etag))
                    entry.element("Size", String(part.size))
                }
            }
        })
    }

    // MARK: objects

    private func getObject(_ s3: S3Request) async throws -> Response {
        let head = s3.method == .head
        let range = s3.header("range").flatMap { ByteRange(httpHeader: $0) }
        // One open serves the head, the preconditions and the bytes; HEAD without a range reads no bytes.
        let download: ObjectDownload?
        let info: ObjectInfo
        if head && range == nil {
            download = nil
            info = try await store.headObject(bucket: s3.bucket!, key: s3.key!)
        } else {
            let opened = try await store.getObject(bucket: s3.bucket!, key: s3.key!, range: range)
            download = opened
            info = opened.info
        }
        if let failure = preconditionFailure(s3, info: info) { return failure }
        var headers: HTTPFields = [
            S3Headers.etag: quoted(info.etag),
            .lastModified: S3XMLWriter.httpDate(info.lastModified),
            .contentType: info.contentType,
            S3Headers.acceptRanges: "bytes",
        ]
        for (name, value) in info.metadata {
            if let field = HTTPField.Name("x-amz-meta-" + name) { headers[field] = MetadataText.headerValue(value) }
        }
        for (name, value) in info.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if info.tagCount > 0 { headers[S3Headers.taggingCount] = String(info.tagCount) }
        if let checksum = info.checksum, range == nil, s3.header("x-amz-checksum-mode")?.uppercased() == "ENABLED",
            let field = HTTPField.Name(checksum.algorithm.headerName)
        {
            headers[field] = checksum.value
            headers[S3Headers.checksumType] = "FULL_OBJECT"
        }
        try applyResponseOverrides(s3, to: &headers)
        guard let download else {
            headers[.contentLength] = String(info.size)
            return Response(status: .ok, headers: headers)
        }
        headers[.contentLength] = String(info.size == 0 ? 0 : download.contentLength)
        var status = HTTPResponse.Status.ok
        if range != nil, let served = download.range {
            status = .partialContent
            headers[S3Headers.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/\(info.size)"
        }
        if head { return Response(status: status, headers: headers) }
        if let bytes = download.bytes { return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes)) }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: download.body))
    }

    /// Presigned GETs may name the headers of the answer (`response-content-type=...`), as S3 allows.
    private func applyResponseOverrides(_ s3: S3Request, to headers: inout HTTPFields) throws {
        guard !s3.query.isEmpty else { return }
        for parameter in S3SupportTable.responseOverrides {
            guard let value = s3.query[parameter] else { continue }
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw S3Error.invalidArgument("\(parameter) must not contain control characters")
            }
            let name = HTTPField.Name(String(parameter.dropFirst("response-".count)))!
            headers[name] = value
        }
    }

    /// If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since, as S3 evaluates them.
    private func preconditionFailure(_ s3: S3Request, info: ObjectInfo) -> Response? {
        let etag = info.etag
        func matches(_ header: String) -> Bool {
            header.split(separator: ",").contains { item in
                let tag = item.trimmingCharacters(in: .whitespaces)
                return tag == "*" || tag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == etag
            }
        }
        let modified = info.lastModified.timeIntervalSince1970.rounded(.down)
        if let ifMatch = s3.header("if-match") {
            if !matches(ifMatch) { return preconditionFailed() }
        } else if let text = s3.header("if-unmodified-since"), let date = S3XMLWriter.parseHTTPDate(text), modified > date.timeIntervalSince1970 {
            return preconditionFailed()
        }
        if let ifNoneMatch = s3.header("if-none-match") {
            if matches(ifNoneMatch) { return notModified(info) }
        } else if let text = s3.header("if-modified-since"), let date = S3XMLWriter.parseHTTPDate(text), modified <= date.timeIntervalSince1970 {
            return notModified(info)
        }
        return nil
    }

    private func preconditionFailed() -> Response {
        S3Error(status: 412, code: "PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold")
            .response(resource: "", method: .get, requestId: "")
    }

    private func notModified(_ info: ObjectInfo) -> Response {
        Response(status: .notModified, headers: [S3Headers.etag: quoted(info.etag), .lastModified: S3XMLWriter.httpDate(info.lastModified)])
    }

    private func partNumber(_ s3: S3Request) throws -> Int {
        guard let text = s3.query["partNumber"], let number = Int(text), (1...MultipartLimits.maximumPartNumber).contains(number) else {
            throw S3Error.invalidArgument("partNumber must be an integer from 1 to \(MultipartLimits.maximumPartNumber)")
        }
        return number
    }

    /// `x-amz-copy-source` as bucket and key; a `?versionId=` on it is refused, since Wharf keeps one version.
    private func copySource(_ s3: S3Request) throws -> ObjectLocation {
        var source = s3.header("x-amz-copy-source")!
        if let question = source.firstIndex(of: "?") {
            let query = source[source.index(after: question)...]
            guard query.isEmpty else {
                throw S3SupportTable.notImplemented("x-amz-copy-source with '?\(query)' is not implemented by Wharf")
            }
            source = String(source[..<question])
        }
        source = SigV4.percentDecode(source)
        let trimmed = source.drop(while: { $0 == "/" })
        guard let slash = trimmed.firstIndex(of: "/"), trimmed.index(after: slash) < trimmed.endIndex else {
            throw S3Error.invalidArgument("x-amz-copy-source must be bucket/key, got '\(source)'")
        }
        return ObjectLocation(bucket: String(trimmed[..<slash]), key: String(trimmed[trimmed.index(after: slash)...]))
    }

    /// `x-amz-copy-source-if-*` against the source's head, as S3 evaluates them: any failure is 412.
    private func copySourceConditionsFail(_ s3: S3Request, info: ObjectInfo) -> Bool {
        func matches(_ header: String) -> Bool {
            header.split(separator: ",").contains { item in
                let tag = item.trimmingCharacters(in: .whitespaces)
                return tag == "*" || tag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == info.etag
            }
        }
        let modified = info.lastModified.timeIntervalSince1970.rounded(.down)
        let ifMatch = s3.header("x-amz-copy-source-if-match")
        let ifNoneMatch = s3.header("x-amz-copy-source-if-none-match")
        if let ifMatch, !matches(ifMatch) { return true }
        if ifMatch == nil, let text = s3.header("x-amz-copy-source-if-unmodified-since"), let date = S3XMLWriter.parseHTTPDate(text),
            modified > date.timeIntervalSince1970 { return true }
        if let ifNoneMatch, matches(ifNoneMatch) { return true }
        if ifNoneMatch == nil, let text = s3.header("x-amz-copy-source-if-modified-since"), let date = S3XMLWriter.parseHTTPDate(text),
            modified <= date.timeIntervalSince1970 { return true }
        return false
    }

    private func hasCopySourceConditions(_ s3: S3Request) -> Bool {
        s3.headers.contains { $0.name.canonicalName.hasPrefix("x-amz-copy-source-if-") }
    }

    private func preconditionFailedError() -> S3Error {
        S3Error(status: 412, code: "PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold")
    }

    /// A part copied from (a range of) an existing object, streamed from the source into the upload.
    private func uploadPartCopy(_ s3: S3Request) async throws -> Response {
        let number = try partNumber(s3)
        let from = try copySource(s3)
        var range: ByteRange?
        if let text = s3.header("x-amz-copy-source-range") {
            guard let parsed = ByteRange(httpHeader: text), case .closed = parsed else {
                throw S3Error.invalidArgument("x-amz-copy-source-range must be bytes=first-last, got '\(text)'")
            }
            range = parsed
        }
        let download = try await store.getObject(bucket: from.bucket, key: from.key, range: range)
        if case .closed(_, let last)? = range, last >= download.info.size {
            throw S3Error.invalidArgument("x-amz-copy-source-range \(range!) ends past the source's \(download.info.size) bytes")
        }
        if copySourceConditionsFail(s3, info: download.info) { throw preconditionFailedError() }
        let part = try await store.uploadPart(
            bucket: s3.bucket!, key: s3.key!, uploadId: s3.query["uploadId"]!, partNumber: number, body: download.body)
        return xml(S3XMLWriter.document("CopyPartResult") { xml in
            xml.element("LastModified", S3XMLWriter.timestamp(part.lastModified))
            xml.element("ETag", quoted(part.etag))
        })
    }

    private func copyObject(_ s3: S3Request) async throws -> Response {
        let from = try copySource(s3)
        if hasCopySourceConditions(s3), copySourceConditionsFail(s3, info: try await store.headObject(bucket: from.bucket, key: from.key)) {
            throw preconditionFailedError()
        }
        let directive: MetadataDirective = s3.header("x-amz-metadata-directive")?.uppercased() == "REPLACE" ? .replace(try putOptions(s3)) : .copy
        let destination = ObjectLocation(bucket: s3.bucket!, key: s3.key!)
        if from == destination, case .copy = directive, s3.header("x-amz-tagging-directive")?.uppercased() != "REPLACE" {
            throw S3Error.invalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        var replacedTags: [String: String]?
        if s3.header("x-amz-tagging-directive")?.uppercased() == "REPLACE" {
            replacedTags = try taggingHeader(s3)
            try PutOptions.validate(tags: replacedTags!, limit: 10)
        }
        let result = try await store.copyObject(from: from, to: destination, metadata: directive)
        if let replacedTags, replacedTags != (try await store.objectTags(bucket: destination.bucket, key: destination.key)) {
            try await store.putObjectTags(bucket: destination.bucket, key: destination.key, tags: replacedTags)
        }
        return xml(S3XMLWriter.document("CopyObjectResult") { xml in
            xml.element("LastModified", S3XMLWriter.timestamp(result.lastModified))
            xml.element("ETag", quoted(result.etag))
        })
    }

    private func deleteObjects(_ request: Request, s3: S3Request) async throws -> Response {
        let document = try await xmlBody(request)
        guard document.name == "Delete" else { throw S3Error.malformedXML("expected a <Delete> document") }
        let objects = document.children("Object")
        guard objects.count <= 1000 else { throw S3Error.malformedXML("at most 1000 keys can be deleted at once") }
        let quiet = document.value("Quiet") == "true"
        var deleted: [String] = []
        var failed: [(key: String, error: S3Error)] = []
        for object in objects {
            guard let key = object.value("Key"), !key.isEmpty else { throw S3Error.malformedXML("every <Object> needs a <Key>") }
            do {
                if s3.bucket == ArtifactRepository.bucket { try await requireUnprotected(key) }
                try await store.deleteObject(bucket: s3.bucket!, key: key)
                deleted.append(key)
            } catch let error as ObjectStoreError {
                if case .noSuchBucket = error { throw error }
                failed.append((key, S3Error(error)))
            } catch let error as S3Error {
                failed.append((key, error))
            }
        }
        return xml(S3XMLWriter.document("DeleteResult") { xml in
            if !quiet {
                for key in deleted { xml.element("Deleted") { $0.element("Key", key) } }
            }
            for failure in failed {
                xml.element("Error") { entry in
                    entry.element("Key", failure.key)
                    entry.element("Code", failure.error.code)
                    entry.element("Message", failure.error.message)
                }
            }
        })
    }

    private func completeUpload(_ request: Request, s3: S3Request) async throws -> Response {
        let document = try await xmlBody(request)
        guard document.name == "CompleteMultipartUpload" else { throw S3Error.malformedXML("expected a <CompleteMultipartUpload> document") }
        let parts = try document.children("Part").map { part -> CompletedPart in
            guard let number = part.value("PartNumber").flatMap({ Int($0) }), let etag = part.value("ETag") else {
                throw S3Error.malformedXML("every <Part> needs a <PartNumber> and an <ETag>")
            }
            return CompletedPart(partNumber: number, etag: etag)
        }
        guard !parts.isEmpty else { throw S3Error.malformedXML("a multipart upload needs at least one part") }
        let result = try await store.completeMultipartUpload(
            bucket: s3.bucket!, key: s3.key!, uploadId: s3.query["uploadId"]!, parts: parts, condition: try writeCondition(s3))
        return xml(S3XMLWriter.document("CompleteMultipartUploadResult") { xml in
            xml.element("Location", "/\(s3.bucket!)/\(s3.key!)")
            xml.element("Bucket", s3.bucket!)
            xml.element("Key", s3.key!)
            xml.element("ETag", quoted(result.etag))
        })
    }

    // MARK: helpers

    private func xmlBody(_ request: Request) async throws -> S3XML {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.xmlBodyLimit)
        } catch is NIOTooManyBytesError {
            throw S3Error(status: 400, code: "MaxMessageLengthExceeded", message: "the XML body is larger than \(Self.xmlBodyLimit) bytes")
        }
        do {
            return try S3XML.parse(Array(buffer.readableBytesView))
        } catch {
            throw S3Error.malformedXML("the XML you provided was not well-formed: \(error)")
        }
    }

    private func putOptions(_ s3: S3Request, integrity: Integrity? = nil, condition: WriteCondition? = nil) throws -> PutOptions {
        var metadata: [String: String] = [:]
        var stored: [String: String] = [:]
        for field in s3.headers {
            let name = field.name.canonicalName
            if name.hasPrefix("x-amz-meta-") {
                metadata[String(name.dropFirst("x-amz-meta-".count))] = MetadataText.decode(field.value)
            } else if name.hasPrefix("c") || name == "expires", PutOptions.storedHeaderNames.contains(name) {
                var value = field.value
                // aws-chunked is the upload's framing, not the object's encoding.
                if name == "content-encoding", value.contains("aws-chunked") {
                    value = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                        .filter { !$0.isEmpty && $0 != "aws-chunked" }.joined(separator: ",")
                }
                if !value.isEmpty { stored[name] = value }
            }
        }
        return PutOptions(
            contentType: s3.header("content-type"), metadata: metadata, headers: stored, integrity: integrity, condition: condition,
            tags: s3.operation == "CopyObject" ? [:] : try taggingHeader(s3))
    }

    /// `x-amz-tagging: k1=v1&k2=v2`
    private func taggingHeader(_ s3: S3Request) throws -> [String: String] {
        guard let text = s3.header("x-amz-tagging"), !text.isEmpty else { return [:] }
        var tags: [String: String] = [:]
        for item in SigV4.queryItems(text) {
            guard tags.updateValue(item.value, forKey: item.name) == nil else {
                throw ObjectStoreError.invalidTag("tag '\(item.name)' is given twice")
            }
        }
        return tags
    }

    /// A `<Tagging><TagSet><Tag>` body.
    private func taggingBody(_ request: Request) async throws -> [String: String] {
        let document = try await xmlBody(request)
        guard document.name == "Tagging", let set = document.child("TagSet") else { throw S3Error.malformedXML("expected <Tagging><TagSet>") }
        var tags: [String: String] = [:]
        for tag in set.children("Tag") {
            guard let key = tag.value("Key") else { throw S3Error.malformedXML("every <Tag> needs a <Key>") }
            guard tags.updateValue(tag.value("Value") ?? "", forKey: key) == nil else {
                throw ObjectStoreError.invalidTag("tag '\(key)' is given twice")
            }
        }
        return tags
    }

    private func tagging(_ tags: [String: String]) -> Response {
        xml(S3XMLWriter.document("Tagging") { xml in
            xml.element("TagSet") { set in
                for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
                    set.element("Tag") { tag in
                        tag.element("Key", key)
                        tag.element("Value", value)
                    }
                }
            }
        })
    }

    /// `Content-MD5` and the `x-amz-checksum-*` the client sent (in a header, or named for a trailer),
    /// or the algorithm it asked to be kept (`x-amz-sdk-checksum-algorithm`).
    private func integrity(_ s3: S3Request) throws -> Integrity? {
        var integrity = Integrity()
        var found = false
        if let md5 = s3.header("content-md5") {
            guard let data = Data(base64Encoded: md5.trimmingCharacters(in: .whitespaces)), data.count == 16 else {
                throw ObjectStoreError.invalidDigest("'\(md5.prefix(40))' is not the base64 of a 16-byte MD5")
            }
            integrity.contentMD5 = Array(data)
            found = true
        }
        for field in s3.headers where field.name.canonicalName.hasPrefix("x-amz-checksum-") {
            guard let algorithm = ChecksumAlgorithm(headerName: field.name.canonicalName) else { continue }
            guard integrity.algorithm == nil else { throw S3Error.invalidRequest("send at most one x-amz-checksum-* header") }
            integrity.algorithm = algorithm
            integrity.expected = field.value.trimmingCharacters(in: .whitespaces)
            found = true
        }
        if integrity.algorithm == nil, let trailer = s3.header("x-amz-trailer"),
            let algorithm = ChecksumAlgorithm(headerName: trailer.trimmingCharacters(in: .whitespaces).lowercased())
        {
            integrity.algorithm = algorithm
            found = true
        }
        if integrity.algorithm == nil, let named = s3.header("x-amz-sdk-checksum-algorithm"),
            let algorithm = ChecksumAlgorithm(rawValue: named.trimmingCharacters(in: .whitespaces).uppercased())
        {
            integrity.algorithm = algorithm
            found = true
        }
        return found ? integrity : nil
    }

    /// `If-None-Match: *` and `If-Match` on a write, as S3 serves them.
    private func writeCondition(_ s3: S3Request) throws -> WriteCondition? {
        if let ifNoneMatch = s3.header("if-none-match") {
            guard ifNoneMatch.trimmingCharacters(in: .whitespaces) == "*", s3.header("if-match") == nil else {
                throw S3SupportTable.notImplemented("a write takes If-None-Match: * alone; Wharf does not implement 'If-None-Match: \(ifNoneMatch)'")
            }
            return .absent
        }
        if let ifMatch = s3.header("if-match") {
            let tags = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !tags.isEmpty else { throw S3Error.invalidArgument("If-Match names no ETag") }
            return .etagMatches(tags)
        }
        return nil
    }

    private func quoted(_ etag: String) -> String { "\"\(etag)\"" }

    private func xml(_ document: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: document)))
    }
}
