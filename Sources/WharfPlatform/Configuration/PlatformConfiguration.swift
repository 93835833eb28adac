import Foundation

/// Where the platform keeps its state. Resolved by the caller from flags, then `WHARF_*` variables, then defaults.
public struct PlatformConfiguration: Sendable {
    /// Folder for the embedded defaults (SQLite file, object folder, server key).
    public var home: URL
    /// `sqlite:PATH` or `postgres://...`; defaults to `sqlite:HOME/wharf.db`.
    public var databaseURL: String
    /// A folder path or `s3://bucket/prefix?endpoint=...`; defaults to `HOME/objects`.
    public var storageURL: String
    /// The key that seals API-key secrets; defaults to `HOME/server.key`.
    public var secretKey: String?

    public init(home: URL, databaseURL: String? = nil, storageURL: String? = nil, secretKey: String? = nil) {
        self.home = home.standardizedFileURL
        self.databaseURL = databaseURL ?? "sqlite:" + self.home.appendingPathComponent("wharf.db").path
        self.storageURL = storageURL ?? self.home.appendingPathComponent("objects").path
        self.secretKey = secretKey
    }
}
