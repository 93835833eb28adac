import Hummingbird

/// awsJson1_0 and awsJson1_1: `POST /`, the operation in `X-Amz-Target: Prefix.Operation`, members in
/// a JSON body; errors `{"__type": code, "message": ...}` with `x-amzn-ErrorType`.
enum AWSJSONProtocol: AWSWireProtocol {
    static func contentType(_ service: AWSService) -> String {
        if case .awsJson1_0 = service.protocol { return "application/x-amz-json-1.0" }
        return "application/x-amz-json-1.1"
    }

    static func targetPrefix(_ service: AWSService) -> String? {
        switch service.protocol {
        case .awsJson1_0(let prefix), .awsJson1_1(let prefix): prefix
        default: nil
        }
    }

    static func operation(of request: AWSWireRequest, in service: AWSService) throws(AWSError) -> (AWSOperation, AWSValue) {
        guard let target = request.header("x-amz-target"), let dot = target.lastIndex(of: ".") else {
            throw AWSError(.unknownOperation, "the request has no X-Amz-Target naming an operation")
        }
        let name = String(target[target.index(after: dot)...])
        guard request.method == .post, String(target[..<dot]) == targetPrefix(service), let operation = service.operation(named: name) else {
            throw AWSError(.unknownOperation, "\(service.title) has no operation '\(target)'")
        }
        let input: AWSValue
        do {
            input = try AWSJSON.parse(request.body)
        } catch {
            throw AWSError(error)
        }
        guard case .structure = input else {
            throw AWSError(.wrongType, "the request body must be a JSON object, not \(input.kindName)")
        }
        return (operation, input)
    }

    static func response(_ output: AWSValue, operation: AWSOperation, service: AWSService, requestId: String) -> Response {
        .aws(status: 200, contentType: contentType(service), requestId: requestId, body: AWSJSON.bytes(output))
    }

    static func errorResponse(_ name: AWSErrorName, message: String, service: AWSService, requestId: String) -> Response {
        let body = AWSJSON.bytes(.structure([("__type", .string(name.code)), ("message", .string(message))]))
        return .aws(status: name.status, contentType: contentType(service), requestId: requestId, body: body,
                    headers: [AWSHeaders.errorType: name.code])
    }
}
