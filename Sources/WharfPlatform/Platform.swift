import Foundation
import Logging
import WharfObjectStore

/// The platform's services over its two stores; the interfaces (HTTP, CLI) hold one of these.
public final class Platform: Sendable {
    public let metadata: MetadataStore
    public let objects: any ObjectStore
    public let keys: KeyService
    /// Experiments, runs and logged models.
    public let tracking: TrackingService
    /// Registered models, versions, aliases and stages.
    public let registry: RegistryService
    /// Run and model artifacts in the object store.
    public let artifacts: ArtifactRepository
    public let logger: Logger
    /// The time every service reads and waits on (a `ManualClock` in tests).
    public let clock: any PlatformClock
    /// The durable queue training, processing, transform and tuning jobs go through (see `JobRunner`).
    public let jobs: JobQueue
    /// Long-running work that the serving process starts and drains (see `BackgroundServices`).
    public let backgroundServices = BackgroundServices()

    public init(
        metadata: MetadataStore, objects: any ObjectStore, sealer: SecretSealer,
        clock: any PlatformClock = SystemWallClock(), logger: Logger = Logger(label: "wharf")
    ) {
        self.metadata = metadata
        self.objects = objects
        self.clock = clock
        self.jobs = JobQueue(store: metadata, clock: clock)
        self.keys = KeyService(store: metadata, sealer: sealer, clock: clock)
        self.tracking = TrackingService(store: metadata, clock: clock)
        self.registry = RegistryService(store: metadata, clock: clock)
        self.artifacts = ArtifactRepository(objects: objects, registry: registry)
        self.logger = logger
    }

    /// Opens the stores a configuration names, migrating the database.
    public static func open(
        _ configuration: PlatformConfiguration, clock: any PlatformClock = SystemWallClock(), logger: Logger = Logger(label: "wharf")
    ) async throws -> Platform {
        let sealer = try SecretSealer.load(secretKey: configuration.secretKey, home: configuration.home)
        let objects = try openObjectStore(configuration.storageURL)
        let metadata = try await MetadataStore.open(url: configuration.databaseURL, logger: logger)
        return Platform(metadata: metadata, objects: objects, sealer: sealer, clock: clock, logger: logger)
    }

    /// The store a `--storage` value names, with its errors in the platform's shape.
    public static func openObjectStore(_ location: String) throws -> any ObjectStore {
        do {
            return try ObjectStoreLocation.open(location)
        } catch let error as ObjectStoreError {
            if case .invalidArgument(let field, let reason) = error { throw WharfError.invalid(field, reason) }
            throw WharfError.invalid("storage", error.description)
        }
    }

    /// What `/readyz` reports: each store and whether it answered.
    public struct Readiness: Sendable, Codable {
        public var ready: Bool
        public var database: String
        public var databaseError: String?
        public var objectStore: String
        public var objectStoreError: String?
    }

    public func readiness() async -> Readiness {
        var report = Readiness(ready: true, database: metadata.backend.rawValue, objectStore: objects is S3ObjectStore ? "s3" : "folder")
        do { try await metadata.ping() } catch {
            report.ready = false
            report.databaseError = String(describing: error)
        }
        do { try await objects.checkHealth() } catch {
            report.ready = false
            report.objectStoreError = String(describing: error)
        }
        return report
    }

    public func close() async throws {
        try await metadata.close()
    }
}
