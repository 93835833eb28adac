import Foundation
import Testing
import WharfPlatform

/// The metadata backends every store suite runs against: SQLite always, PostgreSQL when a server is
/// given (always in scripts/test and CI), so one suite proves both, as MLflow's store tests do.
public enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["WHARF_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Set by scripts/test: every service is running, so nothing may be skipped.
    public static var servicesRequired: Bool {
        ProcessInfo.processInfo.environment["WHARF_TEST_REQUIRE_SERVICES"] == "1"
    }

    /// The backends to run: PostgreSQL only when a server is given.
    public static var enabled: [TestBackend] {
        postgresURL != nil || servicesRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A fresh, empty database of this backend (a new file, or a new PostgreSQL database).
    public func location() async throws -> String {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wharf-test-\(UUID().uuidString)")
            return "sqlite:" + folder.appendingPathComponent("wharf.db").path
        case .postgres:
            guard let base = Self.postgresURL else {
                throw WharfError(.unavailable, "WHARF_TEST_POSTGRES_URL is not set but scripts/test requires PostgreSQL")
            }
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try await MetadataStore.open(url: base)
            do {
                try await admin.withDatabase { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
                try await admin.close()
            } catch {
                try? await admin.close()
                throw error
            }
            var components = URLComponents(string: base)!
            components.path = "/" + name
            return components.string!
        }
    }

    /// A fresh database of this backend, migrated to the current schema.
    public func open() async throws -> MetadataStore {
        try await MetadataStore.open(url: try await location())
    }
}

/// A server key for tests, fixed so a reopened store can read its own secrets.
public let testSealer = SecretSealer(key: .init(data: Data(repeating: 7, count: 32)))
