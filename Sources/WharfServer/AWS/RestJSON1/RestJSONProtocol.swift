import Foundation
import HTTPTypes
import Hummingbird

/// restJson1: the operation is the method and path template that match; members come from path labels,
/// query parameters, headers and the JSON (or raw payload) body; errors carry `x-amzn-ErrorType` and
/// `{"Type": "User"|"Service", "message": ...}` (Lambda's body).
enum RestJSONProtocol: AWSWireProtocol {
    static func operation(of request: AWSWireRequest, in service: AWSService) throws(AWSError) -> (AWSOperation, AWSValue) {
        let segments = request.pathSegments
        var pathMatched = false
        for operation in service.operations {
            guard let binding = operation.http, let labels = binding.match(segments) else { continue }
            pathMatched = true
            guard binding.method == request.method else { continue }
            return (operation, try input(of: request, binding: binding, labels: labels))
        }
        let what = "\(request.method.rawValue) \(request.rawPath)"
        throw AWSError(.unknownOperation, pathMatched ? "\(service.title) does not serve \(what) with this method" : "\(service.title) has no operation at \(what)")
    }

    static func input(of request: AWSWireRequest, binding: AWSHTTPBinding, labels: [(String, String)]) throws(AWSError) -> AWSValue {
        var members: [(String, AWSValue)] = []
        if let payload = binding.payload {
            if !request.body.isEmpty { members.append((payload, .blob(Data(request.body)))) }
        } else {
            let body: AWSValue
            do {
                body = try AWSJSON.parse(request.body)
            } catch {
                throw AWSError(error)
            }
            guard case .structure(let bodyMembers) = body else {
                throw AWSError(.wrongType, "the request body must be a JSON object, not \(body.kindName)")
            }
            members = bodyMembers
        }
        func set(_ name: String, _ value: String) {
            members.removeAll { $0.0 == name }
            members.append((name, .string(value)))
        }
        for (name, value) in labels { set(name, value) }
        if !binding.query.isEmpty {
            let items = request.queryItems
            for (member, parameter) in binding.query {
                if let value = items.first(where: { $0.name == parameter })?.value { set(member, value) }
            }
        }
        for (member, header) in binding.headers {
            if let value = request.header(header) { set(member, value) }
        }
        return .structure(members)
    }

    static func response(_ output: AWSValue, operation: AWSOperation, service: AWSService, requestId: String) -> Response {
        guard case .structure(var members) = output, let binding = operation.http else {
            return .aws(status: 200, contentType: "application/json", requestId: requestId, body: AWSJSON.bytes(output))
        }
        var status = binding.status
        var headers: HTTPFields = [:]
        if let statusMember = binding.responseStatus, let index = members.firstIndex(where: { $0.0 == statusMember }) {
            if case .number(let text) = members[index].1, let code = Int(text), (100...599).contains(code) { status = code }
            members.remove(at: index)
        }
        for (member, header) in binding.responseHeaders {
            guard let index = members.firstIndex(where: { $0.0 == member }), let name = HTTPField.Name(header) else { continue }
            if let text = headerText(members[index].1) { headers[name] = text }
            members.remove(at: index)
        }
        if let payload = binding.responsePayload {
            var body: [UInt8] = []
            if let value = members.first(where: { $0.0 == payload })?.1 {
                switch value {
                case .blob(let data): body = Array(data)
                case .string(let text): body = Array(text.utf8)
                default: body = AWSJSON.bytes(value)
                }
            }
            let contentType = headers[.contentType] ?? "application/octet-stream"
            headers[.contentType] = nil
            return .aws(status: status, contentType: contentType, requestId: requestId, body: body, headers: headers)
        }
        return .aws(status: status, contentType: "application/json", requestId: requestId, body: AWSJSON.bytes(.structure(members)), headers: headers)
    }

    /// Header values: text as it is, numbers and booleans as written, timestamps as HTTP dates.
    static func headerText(_ value: AWSValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let text): text
        case .bool(let b): b ? "true" : "false"
        case .timestamp(let date): AWSTimestamp.httpDate(date)
        case .blob(let data): data.base64EncodedString()
        default: nil
        }
    }

    static func errorResponse(_ name: AWSErrorName, message: String, service: AWSService, requestId: String) -> Response {
        let body = AWSJSON.bytes(.structure([("Type", .string(name.status >= 500 ? "Service" : "User")), ("message", .string(message))]))
        return .aws(status: name.status, contentType: "application/json", requestId: requestId, body: body, headers: [AWSHeaders.errorType: name.code])
    }
}
