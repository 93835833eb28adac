import Hummingbird
import WharfPlatform

/// Authenticates native-API callers by `Authorization: Bearer <secret>` and enforces roles:
/// reads need `read`, writes need `write`, key management needs `admin`.
/// A server running open (loopback, no keys) treats every caller as an admin.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext
    let access: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let hint = "send 'Authorization: Bearer <secret>'"
        if let key = try await access.authenticate(request, needing: access.role(needed: request), hint: hint) {
            context.principal = .key(key)
        }
        return try await next(request, context)
    }
}

/// Decides whether the server runs open and which role a request needs.
struct AccessPolicy: Sendable {
    let keys: KeyService
    /// True when bound only to loopback; such a server runs open until the first key exists.
    let loopbackOnly: Bool

    func isOpen() async throws -> Bool {
        guard loopbackOnly else { return false }
        return try await !keys.hasActiveKeys()
    }

    /// The key named by the request's `Authorization: Bearer <secret>`, checked in constant time and for
    /// the `needed` role; nil when the request carries no key and the server runs open. `hint` tells this
    /// face's clients how to send a key.
    func authenticate(_ request: Request, needing needed: Role, hint: String) async throws -> APIKey? {
        guard let header = request.headers[.authorization] else {
            if try await isOpen() { return nil }
            throw WharfError(.unauthenticated, "this server requires an API key: \(hint)", field: "Authorization")
        }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw WharfError(.unauthenticated, "the Authorization header must be 'Bearer <secret>'", field: "Authorization")
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let key = try await keys.authenticate(bearer: token) else {
            throw WharfError(.unauthenticated, "unknown or revoked API key", field: "Authorization")
        }
        guard key.role.allows(needed) else {
            throw WharfError(.permissionDenied, "key '\(key.accessKeyId)' has role '\(key.role.rawValue)'; this call needs '\(needed.rawValue)'")
        }
        return key
    }

    func role(needed request: Request) -> Role {
        if request.uri.path.hasPrefix("/v1/keys") { return .admin }
        switch request.method {
        case .get, .head, .options: return .read
        default: return .write
        }
    }
}
