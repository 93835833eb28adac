/// The wire protocols of the AWS APIs Wharf serves (Smithy's names); each decodes requests, encodes
/// responses and shapes errors once for every service that speaks it.
public enum AWSProtocol: Sendable, Equatable {
    /// `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and a JSON body (Step Functions).
    case awsJson1_0(targetPrefix: String)
    /// The same with `application/x-amz-json-1.1` (SageMaker, CloudWatch Logs).
    case awsJson1_1(targetPrefix: String)
    /// Operations addressed by method and path, members bound to labels, query, headers and body
    /// (Lambda, EventBridge Scheduler, SageMaker runtime).
    case restJson1
    /// `Action=<Operation>&Version=...` form bodies answered in XML under `xmlNamespace` (STS).
    case awsQuery(xmlNamespace: String)

    public var name: String {
        switch self {
        case .awsJson1_0: "awsJson1_0"
        case .awsJson1_1: "awsJson1_1"
        case .restJson1: "restJson1"
        case .awsQuery: "awsQuery"
        }
    }

    /// Whether members arrive as text (form parameters, labels, headers) rather than typed JSON.
    var decodesScalarsFromStrings: Bool {
        switch self {
        case .awsQuery: true
        default: false
        }
    }

    /// What each protocol calls the common errors, as AWS's services of that protocol answer them.
    public func defaultName(_ error: AWSCommonError) -> AWSErrorName {
        switch self {
        case .awsJson1_0, .awsJson1_1:
            switch error {
            case .unknownOperation, .missingAction: AWSErrorName("UnknownOperationException", 400)
            case .malformedBody, .wrongType: AWSErrorName("SerializationException", 400)
            case .missingMember, .invalidValue: AWSErrorName("ValidationException", 400)
            case .accessDenied: AWSErrorName("AccessDeniedException", 400)
            case .unrecognizedClient, .invalidToken: AWSErrorName("UnrecognizedClientException", 400)
            case .signatureDoesNotMatch: AWSErrorName("InvalidSignatureException", 400)
            case .incompleteSignature: AWSErrorName("IncompleteSignatureException", 400)
            case .missingAuthentication: AWSErrorName("MissingAuthenticationTokenException", 400)
            case .expiredToken: AWSErrorName("ExpiredTokenException", 400)
            case .requestExpired: AWSErrorName("InvalidSignatureException", 400)
            case .invalidNextToken: AWSErrorName("InvalidNextTokenException", 400)
            case .idempotentParameterMismatch: AWSErrorName("IdempotentParameterMismatchException", 400)
            case .idempotentRequestInProgress: AWSErrorName("ConflictException", 409)
            case .requestTooLarge: AWSErrorName("RequestEntityTooLargeException", 413)
            case .internalFailure: AWSErrorName("InternalFailure", 500)
            case .serviceUnavailable: AWSErrorName("ServiceUnavailable", 503)
            }
        case .restJson1:
            switch error {
            case .unknownOperation, .missingAction: AWSErrorName("UnknownOperationException", 404)
            case .malformedBody, .wrongType: AWSErrorName("SerializationException", 400)
            case .missingMember, .invalidValue: AWSErrorName("ValidationException", 400)
            case .accessDenied: AWSErrorName("AccessDeniedException", 403)
            case .unrecognizedClient, .invalidToken: AWSErrorName("UnrecognizedClientException", 403)
            case .signatureDoesNotMatch: AWSErrorName("InvalidSignatureException", 403)
            case .incompleteSignature: AWSErrorName("IncompleteSignatureException", 403)
            case .missingAuthentication: AWSErrorName("MissingAuthenticationTokenException", 403)
            case .expiredToken: AWSErrorName("ExpiredTokenException", 403)
            case .requestExpired: AWSErrorName("InvalidSignatureException", 403)
            case .invalidNextToken: AWSErrorName("InvalidNextTokenException", 400)
            case .idempotentParameterMismatch: AWSErrorName("IdempotentParameterMismatchException", 400)
            case .idempotentRequestInProgress: AWSErrorName("ConflictException", 409)
            case .requestTooLarge: AWSErrorName("RequestEntityTooLargeException", 413)
            case .internalFailure: AWSErrorName("ServiceException", 500)
            case .serviceUnavailable: AWSErrorName("ServiceUnavailableException", 503)
            }
        case .awsQuery:
            switch error {
            case .unknownOperation: AWSErrorName("InvalidAction", 400)
            case .missingAction: AWSErrorName("MissingAction", 400)
            case .malformedBody: AWSErrorName("MalformedQueryString", 400)
            case .missingMember: AWSErrorName("MissingParameter", 400)
            case .wrongType: AWSErrorName("InvalidParameterValue", 400)
            case .invalidValue: AWSErrorName("ValidationError", 400)
            case .accessDenied: AWSErrorName("AccessDenied", 403)
            case .unrecognizedClient, .invalidToken: AWSErrorName("InvalidClientTokenId", 403)
            case .signatureDoesNotMatch: AWSErrorName("SignatureDoesNotMatch", 403)
            case .incompleteSignature: AWSErrorName("IncompleteSignature", 400)
            case .missingAuthentication: AWSErrorName("MissingAuthenticationToken", 403)
            case .expiredToken: AWSErrorName("ExpiredToken", 400)
            case .requestExpired: AWSErrorName("RequestExpired", 400)
            case .invalidNextToken: AWSErrorName("InvalidParameterValue", 400)
            case .idempotentParameterMismatch: AWSErrorName("IdempotentParameterMismatch", 400)
            case .idempotentRequestInProgress: AWSErrorName("Conflict", 409)
            case .requestTooLarge: AWSErrorName("RequestEntityTooLarge", 413)
            case .internalFailure: AWSErrorName("InternalFailure", 500)
            case .serviceUnavailable: AWSErrorName("ServiceUnavailable", 503)
            }
        }
    }
}
