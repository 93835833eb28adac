@testable import WharfObjectStore

/// S3 XML bodies: the parser the server reads DeleteObjects and CompleteMultipartUpload requests
/// with and the client reads listings and errors with, then the fields both take from them.
/// Text the writer escapes must parse back unchanged.
enum S3XMLTarget {
    static let target = FuzzTarget(name: "s3xml", summary: "WharfObjectStore S3XML (server request bodies, client responses)") { buffer in
        guard let document = try? S3XML.parse(Array(buffer)) else { return }
        read(document)
        let text = document.text
        let written = "<a>\(S3XML.escape(text))</a>"
        guard let again = try? S3XML.parse(Array(written.utf8)) else { preconditionFailure("escaped text does not parse: \(written)") }
        precondition(again.text == text, "escaped text reads back as \(again.text)")
    }

    /// What the server (DeleteObjects, CompleteMultipartUpload) and the client (listings, uploads,
    /// errors) read from a document.
    static func read(_ document: S3XML) {
        _ = document.value("Quiet") == "true"
        for object in document.children("Object") { _ = object.value("Key"); _ = object.value("VersionId") }
        for part in document.children("Part") { _ = part.value("PartNumber").flatMap { Int($0) }; _ = part.value("ETag") }
        for item in document.children("Contents") + document.children("Upload") + document.children("Bucket") {
            _ = item.value("Size").flatMap { Int64($0) }
            _ = S3ObjectStore.unquote(item.value("ETag") ?? "")
            for field in ["LastModified", "Initiated", "CreationDate"] { _ = item.value(field).flatMap(HTTPDate.parseISO8601) }
        }
        _ = document.children("CommonPrefixes").compactMap { $0.value("Prefix") }
        _ = document.value("NextContinuationToken")
        _ = (document.value("Code"), document.value("Message"), document.value("UploadId"))
        _ = HTTPDate.parse(document.text)
        _ = HTTPDate.parseISO8601(document.text)
        for child in document.children { _ = HTTPDate.parseISO8601(child.text); _ = HTTPDate.parse(child.text) }
    }
}
