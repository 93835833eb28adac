/// The platform layer's error: a machine code, a human message and, when one input is to blame, its field.
public struct WharfError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; the HTTP layer maps each kind to one status.
    public enum Kind: String, Sendable {
        case invalidArgument = "InvalidArgument"
        case unauthenticated = "Unauthenticated"
        case permissionDenied = "PermissionDenied"
        case notFound = "NotFound"
        case conflict = "Conflict"
        case payloadTooLarge = "PayloadTooLarge"
        case unavailable = "Unavailable"
        case `internal` = "Internal"
    }

    /// A finer reason within a kind, for faces whose protocol tells them apart (MLflow answers a duplicate
    /// name with RESOURCE_ALREADY_EXISTS and a changed param with INVALID_PARAMETER_VALUE, both conflicts here).
    public enum Reason: String, Sendable {
        case alreadyExists
        case immutable
    }

    public var kind: Kind
    public var message: String
    public var field: String?
    public var reason: Reason?

    public init(_ kind: Kind, _ message: String, field: String? = nil, reason: Reason? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.reason = reason
    }

    public var code: String { kind.rawValue }

    public var description: String {
        if let field { return "\(kind.rawValue): \(message) (field: \(field))" }
        return "\(kind.rawValue): \(message)"
    }

    public static func invalid(_ field: String, _ message: String) -> WharfError {
        WharfError(.invalidArgument, message, field: field)
    }

    public static func notFound(_ what: String, _ id: String) -> WharfError {
        WharfError(.notFound, "\(what) '\(id)' does not exist")
    }
}
