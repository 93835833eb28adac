import Foundation

/// A request or response shape between the wire and Codable: what every protocol decodes its bytes
/// into (JSON body, form parameters, path labels, headers) and encodes its output from.
public indirect enum AWSValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A JSON number, kept as its text so integers of any width are read exactly.
    case number(String)
    case string(String)
    case blob(Data)
    case timestamp(Date)
    case list([AWSValue])
    /// Members in wire order (order matters to nobody, but keeps responses readable).
    case structure([(String, AWSValue)])

    public static func == (lhs: AWSValue, rhs: AWSValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.blob(let a), .blob(let b)): a == b
        case (.timestamp(let a), .timestamp(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.structure(let a), .structure(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// A member of a structure, by wire name.
    public subscript(member name: String) -> AWSValue? {
        guard case .structure(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    /// What the value is, in the words error messages use.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .blob: "a blob"
        case .timestamp: "a timestamp"
        case .list: "a list"
        case .structure: "a structure"
        }
    }

    /// The structure without the named members (e.g. a listing's filters without its page token).
    func removing(_ names: Set<String>) -> AWSValue {
        guard case .structure(let members) = self else { return self }
        return .structure(members.filter { !names.contains($0.0) })
    }
}

/// Why a request's members do not fit the operation's input shape; each protocol names it its own way.
public enum AWSShapeError: Error, Sendable, Equatable {
    /// A required member is absent (or null).
    case missingMember(String)
    /// A member holds the wrong kind of value.
    case wrongType(member: String, expected: String, found: String)
    /// A member's value is of the right kind but not acceptable (an enum value, a number out of range).
    case invalidValue(member: String, reason: String)
    /// The body is not well-formed for the protocol at all.
    case malformed(String)

    public var member: String? {
        switch self {
        case .missingMember(let m): m
        case .wrongType(let m, _, _), .invalidValue(let m, _): m
        case .malformed: nil
        }
    }

    public var message: String {
        switch self {
        case .missingMember(let m): "1 validation error detected: Value null at '\(m)' failed to satisfy constraint: Member must not be null"
        case .wrongType(let m, let expected, let found): "the value of '\(m)' must be \(expected), not \(found)"
        case .invalidValue(let m, let reason): "1 validation error detected: Value at '\(m)' failed to satisfy constraint: \(reason)"
        case .malformed(let m): m
        }
    }

    /// The dotted member path of a coding path, as AWS writes it (`tags.1.key`).
    static func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
        let keys = last.map { codingPath + [$0] } ?? codingPath
        return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
