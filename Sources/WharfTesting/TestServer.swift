import Foundation
import Hummingbird
import HummingbirdTesting
import WharfPlatform
import WharfServer

/// A platform on a throw-away home (SQLite by default, or a fresh PostgreSQL database) and its router
/// application, driven without sockets (`.router`) or over real loopback HTTP (`.live`).
public struct TestServer: Sendable {
    public let platform: Platform
    public let application: Application<RouterResponder<WharfRequestContext>>

    public static func make(
        loopbackOnly: Bool = true, backend: TestBackend = .sqlite, settings: ServerSettings = ServerSettings(),
        clock: any PlatformClock = SystemWallClock()
    ) async throws -> TestServer {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-server-\(UUID().uuidString)")
        let database = backend == .sqlite ? nil : try await backend.location()
        let platform = try await Platform.open(PlatformConfiguration(home: home, databaseURL: database), clock: clock)
        let router = WharfApplication.router(platform: platform, loopbackOnly: loopbackOnly, settings: settings)
        return TestServer(platform: platform, application: Application(router: router))
    }

    /// Runs `body` against the application, then closes the platform.
    public func test(_ testing: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await application.test(testing, body)
        } catch {
            try? await platform.close()
            throw error
        }
        try await platform.close()
    }
}

extension ByteBuffer {
    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: self))) as? [String: Any] ?? [:]
    }

    /// The native API error body's `field` and `code`.
    public var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

public func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }

public func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
