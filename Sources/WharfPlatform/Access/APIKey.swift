/// What a key may do. `admin` includes `write`, which includes `read` and `invoke`; `read` (describe, list,
/// get) and `invoke` (only calls that run a model or function: InvokeEndpoint, Lambda Invoke,
/// StartSyncExecution, what an outside application is given) include nothing else.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin
    case write
    case read
    case invoke

    public func allows(_ needed: Role) -> Bool {
        switch (self, needed) {
        case (.admin, _): true
        case (.write, .write), (.write, .read), (.write, .invoke): true
        case (.read, .read), (.invoke, .invoke): true
        default: false
        }
    }
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
