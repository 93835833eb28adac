import ArgumentParser
import Foundation
import WharfPlatform

/// Where the platform's state lives: shared by `wharf server` and the commands that open it directly.
struct PlatformOptions: ParsableArguments {
    @Option(help: "Folder for the embedded state: SQLite file, objects, server key. [env: WHARF_HOME] [default: ./.wharf]")
    var home: String?

    @Option(help: "Metadata database: sqlite:PATH or postgres://user:pass@host:port/db. [env: WHARF_DATABASE_URL] [default: sqlite:HOME/wharf.db]")
    var database: String?

    @Option(help: "Object storage: a folder or s3://bucket/prefix?endpoint=http://host:port (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, region from AWS_REGION). [env: WHARF_STORAGE_URL] [default: HOME/objects]")
    var storage: String?

    func configuration() -> PlatformConfiguration {
        let home = Setting.resolve(home, env: "WHARF_HOME", default: ".wharf")
        return PlatformConfiguration(
            home: URL(fileURLWithPath: home),
            databaseURL: Setting.optional(database, env: "WHARF_DATABASE_URL"),
            storageURL: Setting.optional(storage, env: "WHARF_STORAGE_URL"),
            secretKey: ProcessInfo.processInfo.environment["WHARF_SECRET_KEY"]
        )
    }
}
