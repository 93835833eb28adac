import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import WharfPlatform
@testable import WharfServer

/// The application's configuration and its background services: what `wharf server` builds on.
@Suite struct ApplicationSettingsTests {
    func platform() async throws -> Platform {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-settings-\(UUID().uuidString)")
        return try await Platform.open(PlatformConfiguration(home: home))
    }

    /// The JSON body limit is configuration of one application, not of the process: two servers in one
    /// process keep their own.
    @Test func theBodyLimitBelongsToEachApplication() async throws {
        let platform = try await platform()
        let small = Application(router: WharfApplication.router(platform: platform, loopbackOnly: true, settings: ServerSettings(jsonBodyLimit: 64)))
        let large = Application(router: WharfApplication.router(platform: platform, loopbackOnly: true))
        let body = #"{"name": "an experiment whose name makes the body longer than sixty-four bytes"}"#
        try await small.test(.router) { client in
            try await client.execute(uri: "/v1/experiments", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.body.errorCode == "PayloadTooLarge")
                #expect((response.body.json["error"] as? [String: Any])?["message"] as? String == "the request body is larger than the limit of 64 bytes")
            }
        }
        try await large.test(.router) { client in
            try await client.execute(uri: "/v1/experiments", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status.code < 300)
            }
        }
        try await platform.close()
    }

    /// A service registered with the platform starts with the server and returns when the server shuts
    /// down gracefully.
    @Test(.timeLimit(.minutes(1))) func backgroundServicesStartAndDrainWithTheServer() async throws {
        let platform = try await platform()
        let recorder = RecordingService()
        platform.backgroundServices.add(recorder)
        let app = try await WharfApplication.application(platform: platform, host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in recorder.started { break }
            #expect(recorder.events == ["started"])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(recorder.events == ["started", "drained"])
        try await platform.close()
    }
}

/// Records its lifecycle; runs until graceful shutdown, as job runners and schedulers will.
final class RecordingService: Service, Sendable {
    private let log = Mutex<[String]>([])
    let started: AsyncStream<Void>
    private let startedSignal: AsyncStream<Void>.Continuation

    init() {
        (started, startedSignal) = AsyncStream<Void>.makeStream()
    }

    var events: [String] { log.withLock { $0 } }

    func run() async throws {
        log.withLock { $0.append("started") }
        startedSignal.yield()
        let (stop, stopSignal) = AsyncStream<Void>.makeStream()
        await withGracefulShutdownHandler {
            for await _ in stop { break }
        } onGracefulShutdown: {
            stopSignal.finish()
        }
        log.withLock { $0.append("drained") }
    }
}
