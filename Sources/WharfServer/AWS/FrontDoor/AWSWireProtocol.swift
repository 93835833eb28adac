import HTTPTypes
import Hummingbird
import NIOCore

/// One protocol's request decoding, response encoding and error shape, written once for every
/// service that speaks it.
protocol AWSWireProtocol {
    /// The operation a request names and its input members.
    static func operation(of request: AWSWireRequest, in service: AWSService) throws(AWSError) -> (AWSOperation, AWSValue)
    static func response(_ output: AWSValue, operation: AWSOperation, service: AWSService, requestId: String) -> Response
    static func errorResponse(_ name: AWSErrorName, message: String, service: AWSService, requestId: String) -> Response
}

extension AWSProtocol {
    var wire: any AWSWireProtocol.Type {
        switch self {
        case .awsJson1_0, .awsJson1_1: AWSJSONProtocol.self
        case .restJson1: RestJSONProtocol.self
        case .awsQuery: AWSQueryProtocol.self
        }
    }
}

enum AWSHeaders {
    static let requestId = HTTPField.Name("x-amzn-RequestId")!
    static let errorType = HTTPField.Name("x-amzn-ErrorType")!
    static let target = HTTPField.Name("X-Amz-Target")!
}

extension Response {
    static func aws(status: Int, contentType: String, requestId: String, body: [UInt8], headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: contentType, AWSHeaders.requestId: requestId, .contentLength: String(body.count)]
        headers.append(contentsOf: extra)
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
