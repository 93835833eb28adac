/// An error from WharfLearn: a machine code, a human message and the offending field or parameter.
public struct LearnError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Machine-readable category of a learning error.
    public enum Code: String, Sendable {
        case invalidParameter = "invalid_parameter"
        case unknownParameter = "unknown_parameter"
        case invalidData = "invalid_data"
        case invalidLabel = "invalid_label"
        case missingFeature = "missing_feature"
        case invalidModel = "invalid_model"
        case unsupportedVersion = "unsupported_version"
    }

    public let code: Code
    public let message: String
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { message }
}
