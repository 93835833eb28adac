/// Errors every AWS protocol answers, each in its own words (see `AWSProtocol.defaultCode`); a service
/// may rename one for itself (`AWSService.errorCodes`), e.g. Lambda's `InvalidParameterValueException`.
public enum AWSCommonError: String, Sendable, CaseIterable {
    case unknownOperation
    case missingAction
    case malformedBody
    case missingMember
    case wrongType
    case invalidValue
    case accessDenied
    case unrecognizedClient
    case signatureDoesNotMatch
    case incompleteSignature
    case missingAuthentication
    case expiredToken
    case invalidToken
    case requestExpired
    case invalidNextToken
    case idempotentParameterMismatch
    case idempotentRequestInProgress
    case requestTooLarge
    case internalFailure
    case serviceUnavailable
}

/// An error an operation answers with: either a code of the service's own (`ResourceNotFoundException`)
/// with its status, or one of the common errors that each protocol and service names.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case service(String, status: Int)
        case common(AWSCommonError)
    }

    public var code: Code
    public var message: String

    public init(_ code: String, status: Int = 400, _ message: String) {
        self.code = .service(code, status: status)
        self.message = message
    }

    public init(_ common: AWSCommonError, _ message: String) {
        self.code = .common(common)
        self.message = message
    }

    public var description: String {
        switch code {
        case .service(let name, let status): "\(name) (\(status)): \(message)"
        case .common(let common): "\(common.rawValue): \(message)"
        }
    }

    /// The protocol's error for a request member that does not fit the input shape.
    init(_ shape: AWSShapeError) {
        switch shape {
        case .missingMember: self.init(.missingMember, shape.message)
        case .wrongType: self.init(.wrongType, shape.message)
        case .invalidValue: self.init(.invalidValue, shape.message)
        case .malformed: self.init(.malformedBody, shape.message)
        }
    }

    /// A validation error naming the member, in the service's validation code.
    public static func invalid(_ member: String, _ reason: String) -> AWSError {
        AWSError(.invalidValue, "1 validation error detected: Value at '\(member)' failed to satisfy constraint: \(reason)")
    }
}

/// An error code and HTTP status as sent.
public struct AWSErrorName: Sendable, Equatable {
    public var code: String
    public var status: Int

    public init(_ code: String, _ status: Int) {
        self.code = code
        self.status = status
    }
}
