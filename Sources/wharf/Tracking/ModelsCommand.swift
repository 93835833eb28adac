import ArgumentParser
import Foundation
import WharfPlatform

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The model registry: registered models, versions, stages and aliases.",
        subcommands: [List.self, Show.self, Create.self, Register.self, Delete.self, Stage.self, Alias.self, Lineage.self]
    )

    static func path(_ name: String) -> String { "/v1/models/\(TrackingClient.segment(name))" }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered models (alias: search).", aliases: ["search"])
        @Option(help: "Filter such as \"name LIKE 'lead%'\".") var filter: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                var path = "/v1/models?maxResults=1000"
                if let filter { path += "&filter=\(TrackingClient.query(filter))" }
                let list = try await TrackingClient(client: try client.client()).get(path, as: TrackingClient.ModelList.self)
                if client.json { return try TrackingClient.printJSON(list) }
                var table = Table(headers: ["NAME", "LATEST", "ALIASES", "UPDATED", "DESCRIPTION"])
                for m in list.models {
                    let latest = m.latestVersions.map { Int($0.version) ?? 0 }.max().map(String.init) ?? "-"
                    let aliases = m.aliases.map { "\($0.alias)→v\($0.version)" }.joined(separator: " ")
                    table.rows.append([m.name, latest, aliases.isEmpty ? "-" : aliases, TrackingClient.time(m.lastUpdatedTimestamp), m.description])
                }
                print(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a registered model and its versions.")
        @Argument(help: "The registered model's name.") var name: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let model = try await api.get(ModelsCommand.path(name), as: RegisteredModel.self)
                let versions = try await api.get(ModelsCommand.path(name) + "/versions", as: TrackingClient.VersionList.self).versions
                if client.json {
                    struct Shown: Encodable { let model: RegisteredModel; let versions: [ModelVersion] }
                    return try TrackingClient.printJSON(Shown(model: model, versions: versions))
                }
                print("name:        \(model.name)")
                print("description: \(model.description)")
                for alias in model.aliases { print("alias \(alias.alias) → version \(alias.version)") }
                var table = Table(headers: ["VERSION", "STAGE", "ALIASES", "RUN ID", "SOURCE", "CREATED"])
                for v in versions {
                    table.rows.append([v.version, v.currentStage, v.aliases.joined(separator: ","), v.runId.isEmpty ? "-" : v.runId, v.source, TrackingClient.time(v.creationTimestamp)])
                }
                print(table.render())
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a model name.")
        @Argument(help: "The name.") var name: String
        @Option(help: "A description.") var description: String = ""
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                struct Body: Encodable { let name: String; let description: String }
                let model = try await TrackingClient(client: try client.client()).send(.post, "/v1/models", json: Body(name: name, description: description), as: RegisteredModel.self)
                if client.json { return try TrackingClient.printJSON(model) }
                print("created registered model \(model.name)")
            }
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a new version from a source such as runs:/RUN_ID/model.")
        @Argument(help: "The registered model's name.") var name: String
        @Option(help: "Where the model's artifacts are: runs:/RUN_ID/PATH, models:/m-ID or a storage URI.") var source: String
        @Option(name: .customLong("run-id"), help: "The run that produced it (taken from a runs:/ source when omitted).") var runId: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                var run = runId
                if run == nil, source.hasPrefix("runs:/") { run = source.dropFirst(6).split(separator: "/").first.map(String.init) }
                struct Body: Encodable { let source: String; let runId: String? }
                let version = try await TrackingClient(client: try client.client()).send(
                    .post, ModelsCommand.path(name) + "/versions", json: Body(source: source, runId: run), as: ModelVersion.self)
                if client.json { return try TrackingClient.printJSON(version) }
                print("registered \(name) version \(version.version)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a registered model, or one version with --version (refused while aliased).")
        @Argument(help: "The registered model's name.") var name: String
        @Option(help: "Delete only this version.") var version: String?
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                if let version {
                    try await api.send(.delete, ModelsCommand.path(name) + "/versions/\(TrackingClient.segment(version))")
                    print("deleted \(name) version \(version)")
                } else {
                    try await api.send(.delete, ModelsCommand.path(name))
                    print("deleted registered model \(name)")
                }
            }
        }
    }

    struct Stage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a version to None, Staging, Production or Archived.")
        @Argument(help: "The registered model's name.") var name: String
        @Argument(help: "The version.") var version: String
        @Argument(help: "None, Staging, Production or Archived.") var stage: String
        @Flag(name: .customLong("archive-existing"), help: "Archive the versions already in that stage.") var archiveExisting = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                struct Body: Encodable { let stage: String; let archiveExisting: Bool }
                let v = try await TrackingClient(client: try client.client()).send(
                    .post, ModelsCommand.path(name) + "/versions/\(TrackingClient.segment(version))/stage",
                    json: Body(stage: stage, archiveExisting: archiveExisting), as: ModelVersion.self)
                if client.json { return try TrackingClient.printJSON(v) }
                print("\(name) version \(v.version) is now in \(v.currentStage)")
            }
        }
    }

    struct Alias: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Point an alias at a version, remove it, or show where it points.",
            subcommands: [Set.self, Remove.self, Get.self]
        )

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Point ALIAS at VERSION (moves it atomically if it points elsewhere).")
            @Argument(help: "The registered model's name.") var name: String
            @Argument(help: "The alias, e.g. champion.") var alias: String
            @Argument(help: "The version.") var version: String
            @OptionGroup var client: ClientOptions

            func run() async throws {
                try await runReportingFailures {
                    struct Body: Encodable { let version: String }
                    let v = try await TrackingClient(client: try client.client()).send(
                        .put, ModelsCommand.path(name) + "/aliases/\(TrackingClient.segment(alias))", json: Body(version: version), as: ModelVersion.self)
                    if client.json { return try TrackingClient.printJSON(v) }
                    print("\(name)@\(alias) → version \(v.version)")
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an alias.")
            @Argument(help: "The registered model's name.") var name: String
            @Argument(help: "The alias.") var alias: String
            @OptionGroup var client: ClientOptions

            func run() async throws {
                try await runReportingFailures {
                    try await TrackingClient(client: try client.client()).send(.delete, ModelsCommand.path(name) + "/aliases/\(TrackingClient.segment(alias))")
                    print("removed \(name)@\(alias)")
                }
            }
        }

        struct Get: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show the version an alias points at.")
            @Argument(help: "The registered model's name.") var name: String
            @Argument(help: "The alias.") var alias: String
            @OptionGroup var client: ClientOptions

            func run() async throws {
                try await runReportingFailures {
                    let v = try await TrackingClient(client: try client.client()).get(
                        ModelsCommand.path(name) + "/aliases/\(TrackingClient.segment(alias))", as: ModelVersion.self)
                    if client.json { return try TrackingClient.printJSON(v) }
                    print("\(name)@\(alias) → version \(v.version) (\(v.currentStage), source \(v.source))")
                }
            }
        }
    }

    struct Lineage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where a version came from: run, source and data set digests.")
        @Argument(help: "The registered model's name.") var name: String
        @Argument(help: "The version.") var version: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let lineage = try await TrackingClient(client: try client.client()).get(
                    ModelsCommand.path(name) + "/versions/\(TrackingClient.segment(version))/lineage", as: ModelLineage.self)
                if client.json { return try TrackingClient.printJSON(lineage) }
                print("model:  \(lineage.name) version \(lineage.version)")
                print("source: \(lineage.source)")
                print("run:    \(lineage.runId ?? "-")")
                var table = Table(headers: ["DATASET", "DIGEST", "SOURCE TYPE"])
                table.rows = lineage.datasets.map { [$0.name, $0.digest, $0.sourceType] }
                print(table.render())
            }
        }
    }
}
