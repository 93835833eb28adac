import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WharfPlatform
import WharfServer

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Wharf server: native /v1 API, S3-compatible API, health and metrics.",
        discussion: """
            Settings come from flags, then WHARF_* variables, then defaults. A server bound only to
            loopback runs open until the first API key exists; on any other address it refuses to
            start without a key (`wharf keys create --local --role admin --name NAME`).
            WHARF_SECRET_KEY (64 hex digits) seals key secrets; servers sharing one database must share it.
            """
    )

    @Option(help: "Address to listen on. [env: WHARF_HOST] [default: 127.0.0.1]")
    var host: String?

    @Option(help: "Port to listen on. [env: WHARF_PORT] [default: 8080]")
    var port: Int?

    @Option(help: "Largest JSON request body in bytes. [env: WHARF_MAX_BODY_BYTES] [default: 8388608]")
    var maxBodyBytes: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error. [env: WHARF_LOG_LEVEL] [default: info]")
    var logLevel: String?

    @OptionGroup var platformOptions: PlatformOptions

    func run() async throws {
        let host = Setting.resolve(host, env: "WHARF_HOST", default: "127.0.0.1")
        let portText = Setting.resolve(port.map(String.init), env: "WHARF_PORT", default: "8080")
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ValidationError("--port / WHARF_PORT must be a port number 0-65535, got '\(portText)'")
        }
        let limitText = Setting.resolve(maxBodyBytes.map(String.init), env: "WHARF_MAX_BODY_BYTES", default: "8388608")
        guard let limit = Int(limitText), limit > 0 else {
            throw ValidationError("--max-body-bytes / WHARF_MAX_BODY_BYTES must be a positive integer, got '\(limitText)'")
        }
        let levelText = Setting.resolve(logLevel, env: "WHARF_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("--log-level / WHARF_LOG_LEVEL must be one of trace, debug, info, notice, warning, error; got '\(levelText)'")
        }
        var logger = Logger(label: "wharf")
        logger.logLevel = level
        let configuration = platformOptions.configuration()
        let platform = try await Platform.open(configuration, logger: logger)
        do {
            let app = try await WharfApplication.application(
                platform: platform, host: host, port: port, settings: ServerSettings(jsonBodyLimit: limit), logger: logger
            )
            logger.info("wharf listening on http://\(host):\(port) (metadata: \(platform.metadata.displayLocation))")
            try await app.runService()
        } catch {
            try? await platform.close()
            throw error
        }
        try await platform.close()
    }
}
