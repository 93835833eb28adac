import HTTPTypes

/// Where a restJson1 operation's members travel, as the service model's `http` traits and member
/// `location`s say: the method and path template (labels `{Name}`, greedy `{Key+}`), query and header
/// members, the member that is the whole body, and the same for the output.
public struct AWSHTTPBinding: Sendable {
    public var method: HTTPRequest.Method
    /// E.g. `/2015-03-31/functions/{FunctionName}/invocations`.
    public var path: String
    /// Input member -> query parameter name.
    public var query: [String: String]
    /// Input member -> header name.
    public var headers: [String: String]
    /// The input member that is the raw body (a blob), when there is one.
    public var payload: String?
    /// The status of a successful response.
    public var status: Int
    /// Output member -> header name.
    public var responseHeaders: [String: String]
    /// The output member that is the raw response body (a blob).
    public var responsePayload: String?
    /// The output member that is the HTTP status (Lambda Invoke's `StatusCode`).
    public var responseStatus: String?

    public init(
        _ method: HTTPRequest.Method, _ path: String, query: [String: String] = [:], headers: [String: String] = [:],
        payload: String? = nil, status: Int = 200, responseHeaders: [String: String] = [:], responsePayload: String? = nil,
        responseStatus: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payload = payload
        self.status = status
        self.responseHeaders = responseHeaders
        self.responsePayload = responsePayload
        self.responseStatus = responseStatus
    }

    enum Segment: Equatable {
        case literal(String)
        case label(String)
        case greedy(String)
    }

    var segments: [Segment] {
        let trimmed = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return trimmed.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix("{"), part.hasSuffix("+}") { return .greedy(String(part.dropFirst().dropLast(2))) }
            if part.hasPrefix("{"), part.hasSuffix("}") { return .label(String(part.dropFirst().dropLast())) }
            return .literal(String(part))
        }
    }

    /// The labels of a request path (segments percent-decoded), or nil when the path is not this one's.
    func match(_ pathSegments: [String]) -> [(String, String)]? {
        var labels: [(String, String)] = []
        var index = 0
        let template = segments
        for (k, segment) in template.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < pathSegments.count, pathSegments[index] == text else { return nil }
                index += 1
            case .label(let name):
                guard index < pathSegments.count, !pathSegments[index].isEmpty else { return nil }
                labels.append((name, pathSegments[index]))
                index += 1
            case .greedy(let name):
                guard k == template.count - 1, index < pathSegments.count else { return nil }
                labels.append((name, pathSegments[index...].joined(separator: "/")))
                index = pathSegments.count
            }
        }
        return index == pathSegments.count ? labels : nil
    }
}
