import HTTPTypes
import WharfPlatform

/// What a caller's key must allow for an operation, following the IAM access level of the action.
public enum AWSAccess: String, Sendable, CaseIterable {
    /// Any authenticated caller (STS GetCallerIdentity, which needs no permission in AWS either).
    case anyKey = "any key"
    case read
    /// Running a model or function: the only thing an `invoke` key may do.
    case invoke
    case write
    case admin

    func allows(_ role: Role) -> Bool {
        switch self {
        case .anyKey: true
        case .read: role.allows(.read)
        case .invoke: role.allows(.invoke)
        case .write: role.allows(.write)
        case .admin: role.allows(.admin)
        }
    }
}

/// Marks the Codable input and output structures of operations, named as in the AWS API reference.
public typealias AWSShape = Codable & Sendable

/// The empty input or output structure.
public struct AWSEmpty: AWSShape, Equatable {
    public init() {}
}

/// One AWS service face: the signing name requests are routed by, its protocol and its operations.
/// A service declares typed operations; the protocol does decoding, encoding, errors and request ids.
public struct AWSService: Sendable {
    /// The SigV4 signing name (`states`, `logs`, `sagemaker`...); several faces may share one.
    public let signingName: String
    /// The name the API reference uses, for the docs table.
    public let title: String
    public let apiVersion: String
    public let `protocol`: AWSProtocol
    /// What this service calls some of the common errors, where it differs from its protocol.
    public var errorCodes: [AWSCommonError: AWSErrorName]
    /// The service name in ARNs it builds (`states`, `lambda`, `sagemaker`).
    public let arnNamespace: String
    public private(set) var operations: [AWSOperation] = []
    private var byName: [String: Int] = [:]

    public init(
        signingName: String, title: String, apiVersion: String, protocol: AWSProtocol,
        arnNamespace: String? = nil, errorCodes: [AWSCommonError: AWSErrorName] = [:]
    ) {
        self.signingName = signingName
        self.title = title
        self.apiVersion = apiVersion
        self.protocol = `protocol`
        self.arnNamespace = arnNamespace ?? signingName
        self.errorCodes = errorCodes
    }

    /// Declares an operation: its AWS name, the access it needs, for restJson1 its HTTP binding, and the
    /// handler from the decoded input to the output. Handlers throw `AWSError` (or `WharfError`, mapped
    /// to the common errors); they never see bytes, status codes or JSON.
    public mutating func operation<Input: AWSShape, Output: AWSShape>(
        _ name: String, access: AWSAccess, http: AWSHTTPBinding? = nil, documentation: String = "",
        _ handler: @escaping @Sendable (Input, AWSCall) async throws -> Output
    ) {
        precondition(byName[name] == nil, "operation \(name) is declared twice in \(title)")
        if case .restJson1 = `protocol` { precondition(http != nil, "restJson1 operation \(name) needs an HTTP binding") }
        byName[name] = operations.count
        operations.append(AWSOperation(name: name, access: access, http: http, documentation: documentation, handler: handler))
    }

    public func operation(named name: String) -> AWSOperation? {
        byName[name].map { operations[$0] }
    }

    /// The name and status this service answers a common error with.
    public func name(of error: AWSCommonError) -> AWSErrorName {
        errorCodes[error] ?? `protocol`.defaultName(error)
    }
}

/// A declared operation with its types erased: decode, run, encode.
public struct AWSOperation: Sendable {
    public let name: String
    public let access: AWSAccess
    public let http: AWSHTTPBinding?
    public let documentation: String
    let run: @Sendable (AWSValue, Bool, AWSCall) async throws -> AWSValue

    init<Input: AWSShape, Output: AWSShape>(
        name: String, access: AWSAccess, http: AWSHTTPBinding?, documentation: String,
        handler: @escaping @Sendable (Input, AWSCall) async throws -> Output
    ) {
        self.name = name
        self.access = access
        self.http = http
        self.documentation = documentation
        self.run = { value, stringScalars, call in
            let input: Input
            do throws(AWSShapeError) {
                input = try AWSValueDecoder(stringScalars: stringScalars).decode(Input.self, from: value)
            } catch {
                throw AWSError(error)
            }
            var call = call
            call.inputValue = value
            return try AWSValueEncoder().encode(try await handler(input, call))
        }
    }
}
