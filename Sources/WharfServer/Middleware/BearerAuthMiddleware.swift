import Hummingbird
import WharfPlatform

/// Authenticates native-API callers by `Authorization: Bearer <secret>` and enforces roles:
/// reads need `read`, writes need `write`, key management needs `admin`.
/// A server running open (loopback, no keys) treats every caller as an admin.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext
    let keys: KeyService
    let access: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let needed = access.role(needed: request)
        if let header = request.headers[.authorization] {
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
            context.principal = .key(key)
        } else if try await !access.isOpen() {
            throw WharfError(.unauthenticated, "this server requires an API key: send 'Authorization: Bearer <secret>'", field: "Authorization")
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

    func role(needed request: Request) -> Role {
        if request.uri.path.hasPrefix("/v1/keys") { return .admin }
        switch request.method {
        case .get, .head, .options: return .read
        default: return .write
        }
    }
}
