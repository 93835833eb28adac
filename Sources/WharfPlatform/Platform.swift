import Foundation
import Logging

/// The platform's services over its two stores; the interfaces (HTTP, CLI) hold one of these.
public final class Platform: Sendable {
    public let metadata: MetadataStore
    public let keys: KeyService
    public let logger: Logger

    public init(metadata: MetadataStore, sealer: SecretSealer, logger: Logger = Logger(label: "wharf")) {
        self.metadata = metadata
        self.keys = KeyService(store: metadata, sealer: sealer)
        self.logger = logger
    }

    /// Opens the stores a configuration names, migrating the database.
    public static func open(_ configuration: PlatformConfiguration, logger: Logger = Logger(label: "wharf")) async throws -> Platform {
        let sealer = try SecretSealer.load(secretKey: configuration.secretKey, home: configuration.home)
        let metadata = try await MetadataStore.open(url: configuration.databaseURL, logger: logger)
        return Platform(metadata: metadata, sealer: sealer, logger: logger)
    }

    /// What `/readyz` reports: each store and whether it answered.
    public struct Readiness: Sendable, Codable {
        public var ready: Bool
        public var database: String
        public var databaseError: String?
    }

    public func readiness() async -> Readiness {
        var report = Readiness(ready: true, database: metadata.backend.rawValue)
        do { try await metadata.ping() } catch {
            report.ready = false
            report.databaseError = String(describing: error)
        }
        return report
    }

    public func close() async throws {
        try await metadata.close()
    }
}
