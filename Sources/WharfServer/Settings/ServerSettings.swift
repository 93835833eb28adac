import Hummingbird

/// How one server's HTTP faces behave, as `wharf server` resolved it from flags, `WHARF_*` variables and
/// defaults. Configuration of the application, not of the process: two servers in one process (tests)
/// can differ.
public struct ServerSettings: Sendable {
    public static let defaultJSONBodyLimit = 8 * 1024 * 1024

    /// The largest JSON body the API faces accept (object uploads stream and are not bound by it).
    public var jsonBodyLimit: Int

    public init(jsonBodyLimit: Int = ServerSettings.defaultJSONBodyLimit) {
        self.jsonBodyLimit = jsonBodyLimit
    }
}

/// Puts the application's settings on every request's context, before any face sees it.
struct ServerSettingsMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext
    let settings: ServerSettings

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = settings.jsonBodyLimit
        return try await next(request, context)
    }
}
