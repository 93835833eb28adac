import Foundation
import Hummingbird
import HummingbirdTesting
import WharfPlatform
@testable import WharfServer

/// A platform on a throw-away SQLite home, and a router application to drive without sockets.
struct TestServer {
    let platform: Platform
    let application: Application<RouterResponder<WharfRequestContext>>

    static func make(loopbackOnly: Bool = true) async throws -> TestServer {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-server-\(UUID().uuidString)")
        let platform = try await Platform.open(PlatformConfiguration(home: home))
        let router = WharfApplication.router(platform: platform, loopbackOnly: loopbackOnly)
        return TestServer(platform: platform, application: Application(router: router))
    }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await application.test(.router, body)
        try await platform.close()
    }
}

extension ByteBuffer {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: self))) as? [String: Any] ?? [:]
    }

    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }

func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
