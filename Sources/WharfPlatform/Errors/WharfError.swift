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

    public var kind: Kind
    public var message: String
    public var field: String?

    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
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
