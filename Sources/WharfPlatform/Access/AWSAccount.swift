import Foundation
import SQLKit
import Synchronization

/// The installation's AWS identity: one 12-digit account id, made on first use and kept in the
/// metadata store (so servers sharing a database agree), and the region ARNs name.
public final class AWSAccount: Sendable {
    public let region: String
    private let store: MetadataStore
    private let cached = Mutex<String?>(nil)
    static let settingName = "aws_account_id"

    /// `region` defaults to `WHARF_REGION`, else `us-east-1`.
    public init(store: MetadataStore, region: String? = nil) {
        self.store = store
        self.region = region ?? ProcessInfo.processInfo.environment["WHARF_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
    }

    /// The account id; the first caller on a fresh database draws it, concurrent first callers agree on one.
    public func id() async throws -> String {
        if let id = cached.withLock({ $0 }) { return id }
        let candidate = String((0..<12).map { _ in Character(String(Int.random(in: 0...9))) })
        let name = Self.settingName
        let id = try await store.transaction { db -> String in
            try await db.raw("INSERT INTO installation_settings (name, value) VALUES (\(bind: name), \(bind: candidate)) ON CONFLICT (name) DO NOTHING").run()
            guard let row = try await db.raw("SELECT value FROM installation_settings WHERE name = \(bind: name)").first() else {
                throw WharfError(.internal, "the account id was not stored")
            }
            return try row.decode(column: "value", as: String.self)
        }
        cached.withLock { $0 = id }
        return id
    }

    /// `arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`; `global` services (IAM) leave the region empty.
    public func arn(service: String, resource: String, global: Bool = false) async throws -> ARN {
        ARN(service: service, region: global ? "" : region, account: try await id(), resource: resource)
    }
}

/// An Amazon Resource Name, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
public struct ARN: Sendable, Hashable, CustomStringConvertible, Codable {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    /// Everything after the fifth colon, e.g. `function:my-fn` or `role/Name`.
    public var resource: String

    public init(partition: String = "aws", service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses an ARN; nil when it is not one.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty, !parts[5].isEmpty else { return nil }
        self.init(partition: String(parts[1]), service: String(parts[2]), region: String(parts[3]), account: String(parts[4]), resource: String(parts[5]))
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let arn = ARN(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an ARN"))
        }
        self = arn
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
