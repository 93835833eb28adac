import ArgumentParser
import Foundation
import WharfPlatform

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys (roles: admin, write, read, invoke; docs/aws.md says what each may call).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// With `--local`, key commands open the platform's database directly (to bootstrap the first key).
    struct Target: ParsableArguments {
        @Flag(help: "Open the database directly instead of calling a server (bootstraps the first key).")
        var local = false
        @OptionGroup var client: ClientOptions
        @OptionGroup var platform: PlatformOptions

        func withLocalPlatform<T>(_ body: (Platform) async throws -> T) async throws -> T {
            let platform = try await Platform.open(self.platform.configuration())
            do {
                let result = try await body(platform)
                try await platform.close()
                return result
            } catch {
                try? await platform.close()
                throw error
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; prints its id and secret once.")
        @Option(help: "admin, write, read or invoke (only InvokeEndpoint, Lambda Invoke, StartSyncExecution).") var role: String
        @Option(help: "A name to recognise the key by.") var name: String
        @OptionGroup var target: Target

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of admin, write, read, invoke; got '\(role)'")
            }
            try await runReportingFailures {
                let issued: IssuedKey
                if target.local {
                    issued = try await target.withLocalPlatform { try await $0.keys.create(name: name, role: role) }
                } else {
                    struct Body: Encodable { let name: String; let role: String }
                    let data = try await target.client.client().send(.POST, "/v1/keys", json: Body(name: name, role: role.rawValue))
                    issued = try JSONDecoder().decode(IssuedKey.self, from: data)
                }
                if target.client.json {
                    print(String(decoding: try JSONEncoder().encode(issued), as: UTF8.self))
                } else {
                    print("access key id: \(issued.key.accessKeyId)")
                    print("secret:        \(issued.secret)")
                    print("role:          \(issued.key.role.rawValue)")
                    print("The secret is shown only now. Use it as WHARF_API_KEY, or as AWS_SECRET_ACCESS_KEY with the id as AWS_ACCESS_KEY_ID.")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
        @OptionGroup var target: Target

        func run() async throws {
            try await runReportingFailures {
                struct KeyList: Codable { let keys: [APIKey] }
                let keys: [APIKey]
                if target.local {
                    keys = try await target.withLocalPlatform { try await $0.keys.list() }
                } else {
                    keys = try await target.client.client().get("/v1/keys", as: KeyList.self).keys
                }
                if target.client.json {
                    print(String(decoding: try JSONEncoder().encode(KeyList(keys: keys)), as: UTF8.self))
                    return
                }
                var table = Table(headers: ["ACCESS KEY ID", "NAME", "ROLE", "CREATED", "STATUS"])
                for key in keys {
                    let created = Date(timeIntervalSince1970: Double(key.createdAt) / 1000).formatted(.iso8601)
                    table.rows.append([key.accessKeyId, key.name, key.role.rawValue, created, key.isActive ? "active" : "revoked"])
                }
                print(table.render())
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its access key id.")
        @Argument(help: "The access key id.") var accessKeyId: String
        @OptionGroup var target: Target

        func run() async throws {
            try await runReportingFailures {
                let key: APIKey
                if target.local {
                    key = try await target.withLocalPlatform { try await $0.keys.revoke(accessKeyId) }
                } else {
                    key = try await target.client.client().get("/v1/keys/\(accessKeyId)", as: APIKey.self)
                    _ = try await target.client.client().send(.DELETE, "/v1/keys/\(accessKeyId)")
                }
                if target.client.json {
                    print(String(decoding: try JSONEncoder().encode(key), as: UTF8.self))
                } else {
                    print("revoked \(key.accessKeyId) (\(key.name))")
                }
            }
        }
    }
}
