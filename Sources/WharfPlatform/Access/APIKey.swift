/// What a key may do. Each role includes the ones below it: admin > write > read.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin
    case write
    case read

    private var rank: Int {
        switch self {
        case .admin: 2
        case .write: 1
        case .read: 0
        }
    }

    public func allows(_ needed: Role) -> Bool { rank >= needed.rank }
}

/// An API key as listed: never carries its secret.
public struct APIKey: Sendable, Codable, Equatable {
    public var accessKeyId: String
    public var name: String
    public var role: Role
    public var createdAt: Int64
    public var revokedAt: Int64?

    public var isActive: Bool { revokedAt == nil }
}

/// A newly created key together with its secret, which is shown exactly once.
public struct IssuedKey: Sendable, Codable {
    public var key: APIKey
    public var secret: String
}

/// Who is calling: a key, or nobody on a server that runs open on loopback.
public enum Principal: Sendable, Equatable {
    case anonymous
    case key(APIKey)

    public var name: String {
        switch self {
        case .anonymous: "anonymous"
        case .key(let key): key.accessKeyId
        }
    }
}
