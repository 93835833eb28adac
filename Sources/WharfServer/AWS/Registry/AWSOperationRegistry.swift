/// Every AWS service face Wharf serves, found by signing name; also renders the docs table of
/// supported operations (docs/aws.md), which a test keeps equal to the code.
public struct AWSOperationRegistry: Sendable {
    public let services: [AWSService]
    private let bySigningName: [String: [AWSService]]

    public init(_ services: [AWSService]) {
        self.services = services
        bySigningName = Dictionary(grouping: services, by: \.signingName)
    }

    /// The faces Wharf ships; handlers reach the platform through their `AWSCall`.
    public static func standard() -> AWSOperationRegistry {
        AWSOperationRegistry([
            STSFace.service(),
            SageMakerFace.service(),
            SageMakerRuntimeFace.service(),
            LogsFace.service(),
            StepFunctionsFace.service(),
            LambdaFace.service(),
        ])
    }

    func faces(signingName: String) -> [AWSService] {
        bySigningName[signingName] ?? []
    }

    /// The face of `faces` a request speaks to: awsJson by its target prefix, awsQuery by its form,
    /// else restJson1.
    static func face(for request: AWSWireRequest, among faces: [AWSService]) -> AWSService? {
        if faces.count == 1 { return faces[0] }
        if let target = request.header("x-amz-target") {
            let prefix = target.split(separator: ".").dropLast().joined(separator: ".")
            let json = faces.filter { AWSJSONProtocol.targetPrefix($0) != nil }
            return json.first { AWSJSONProtocol.targetPrefix($0) == prefix } ?? json.first ?? faces.first
        }
        if let query = faces.first(where: { if case .awsQuery = $0.protocol { true } else { false } }),
            request.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true || request.rawQuery.contains("Action=")
        {
            return query
        }
        return faces.first { $0.protocol == .restJson1 } ?? faces.first
    }

    /// A face for a signing name Wharf does not serve, so the caller still gets an error it can read.
    static func unknownService(_ signingName: String, request: AWSWireRequest) -> AWSService {
        let proto: AWSProtocol
        if let target = request.header("x-amz-target") {
            proto = .awsJson1_1(targetPrefix: target.split(separator: ".").dropLast().joined(separator: "."))
        } else if request.header("content-type")?.hasPrefix("application/x-www-form-urlencoded") == true {
            proto = .awsQuery(xmlNamespace: "https://\(signingName).amazonaws.com/doc/")
        } else {
            proto = .restJson1
        }
        return AWSService(signingName: signingName, title: "'\(signingName)'", apiVersion: "", protocol: proto)
    }

    /// The Markdown table of services and operations for docs/aws.md.
    public func markdownTable() -> String {
        var lines = ["| service (signing name) | protocol | operation | access |", "|---|---|---|---|"]
        for service in services.sorted(by: { ($0.signingName, $0.title) < ($1.signingName, $1.title) }) {
            let head = "\(service.title) (`\(service.signingName)`, \(service.apiVersion))"
            if service.operations.isEmpty {
                lines.append("| \(head) | \(service.protocol.name) | none yet | |")
                continue
            }
            for operation in service.operations.sorted(by: { $0.name < $1.name }) {
                let route = operation.http.map { " (`\($0.method.rawValue) \($0.path)`)" } ?? ""
                lines.append("| \(head) | \(service.protocol.name) | `\(operation.name)`\(route) | \(operation.access.rawValue) |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
