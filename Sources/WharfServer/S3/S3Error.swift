import Foundation
import HTTPTypes
import Hummingbird
import WharfObjectStore

/// An error answered in S3's XML shape with S3's code and status.
struct S3Error: Error {
    let status: Int
    let code: String
    let message: String

    init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    init(_ error: ObjectStoreError) {
        self.init(status: error.httpStatus, code: error.s3Code, message: error.description)
    }

    init(_ error: SigV4Error) {
        self.init(status: error.httpStatus, code: error.s3Code, message: error.description)
    }

    static func accessDenied(_ message: String) -> S3Error { S3Error(status: 403, code: "AccessDenied", message: message) }
    static func invalidRequest(_ message: String) -> S3Error { S3Error(status: 400, code: "InvalidRequest", message: message) }
    static func malformedXML(_ message: String) -> S3Error { S3Error(status: 400, code: "MalformedXML", message: message) }
    static func invalidArgument(_ message: String) -> S3Error { S3Error(status: 400, code: "InvalidArgument", message: message) }

    func response(resource: String, method: HTTPRequest.Method, requestId: String) -> Response {
        let status = HTTPResponse.Status(code: status)
        var headers: HTTPFields = [.contentType: "application/xml", S3Headers.requestId: requestId]
        if method == .head {
            headers[.contentLength] = "0"
            return Response(status: status, headers: headers)
        }
        let xml = S3XMLWriter.document("Error", namespace: false) { xml in
            xml.element("Code", code)
            xml.element("Message", message)
            xml.element("Resource", resource)
            xml.element("RequestId", requestId)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}

enum S3Headers {
    static let requestId = HTTPField.Name("x-amz-request-id")!
    static let etag = HTTPField.Name("ETag")!
    static let acceptRanges = HTTPField.Name("Accept-Ranges")!
    static let contentRange = HTTPField.Name("Content-Range")!
    static let copySource = HTTPField.Name("x-amz-copy-source")!
    static let checksumType = HTTPField.Name("x-amz-checksum-type")!
    static let taggingCount = HTTPField.Name("x-amz-tagging-count")!
}
