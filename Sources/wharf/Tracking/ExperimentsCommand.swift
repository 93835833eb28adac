import ArgumentParser
import Foundation
import WharfPlatform

struct ExperimentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments",
        abstract: "List, show, create, rename, delete and restore experiments.",
        subcommands: [List.self, Show.self, Create.self, Rename.self, Delete.self, Restore.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List experiments (alias: search).", aliases: ["search"])
        @Option(help: "MLflow filter on the name, e.g. \"name LIKE 'lead%'\".") var filter: String?
        @Flag(help: "Include deleted experiments.") var all = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                var path = "/v1/experiments?view=\(all ? "ALL" : "ACTIVE_ONLY")"
                if let filter { path += "&filter=\(TrackingClient.query(filter))" }
                let list = try await api.get(path, as: TrackingClient.ExperimentList.self)
                if client.json { return try TrackingClient.printJSON(list) }
                var table = Table(headers: ["ID", "NAME", "STAGE", "ARTIFACT LOCATION", "CREATED"])
                for e in list.experiments {
                    table.rows.append([e.experimentId, e.name, e.lifecycleStage, e.artifactLocation, TrackingClient.time(e.creationTime)])
                }
                print(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one experiment (by id or name) and its tags.")
        @Argument(help: "Experiment id or name.") var experiment: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let e = try await TrackingClient(client: try client.client()).experiment(experiment)
                if client.json { return try TrackingClient.printJSON(e) }
                print("id:                \(e.experimentId)")
                print("name:              \(e.name)")
                print("stage:             \(e.lifecycleStage)")
                print("artifact location: \(e.artifactLocation)")
                print("created:           \(TrackingClient.time(e.creationTime))")
                for tag in e.tags { print("tag \(tag.key) = \(tag.value)") }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an experiment; prints its id.")
        @Argument(help: "The experiment's name.") var name: String
        @Option(name: .customLong("tag"), help: "A tag KEY=VALUE (repeatable).") var tags: [String] = []
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let parsedTags = try tags.map(parseTag)
            try await runReportingFailures {
                struct Body: Encodable { let name: String; let tags: [Tag] }
                let e = try await TrackingClient(client: try client.client()).send(.post, "/v1/experiments", json: Body(name: name, tags: parsedTags), as: Experiment.self)
                if client.json { return try TrackingClient.printJSON(e) }
                print(e.experimentId)
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename an experiment.")
        @Argument(help: "Experiment id or name.") var experiment: String
        @Argument(help: "The new name.") var newName: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let id = try await api.experiment(experiment).experimentId
                struct Body: Encodable { let name: String }
                let e = try await api.send(.patch, "/v1/experiments/\(id)", json: Body(name: newName), as: Experiment.self)
                if client.json { return try TrackingClient.printJSON(e) }
                print("renamed experiment \(id) to \(e.name)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an experiment and its runs (restorable).")
        @Argument(help: "Experiment id or name.") var experiment: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let id = try await api.experiment(experiment).experimentId
                let e = try await api.send(.delete, "/v1/experiments/\(id)", as: Experiment.self)
                if client.json { return try TrackingClient.printJSON(e) }
                print("deleted experiment \(id) (\(e.name))")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a deleted experiment and its runs.")
        @Argument(help: "Experiment id or name.") var experiment: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let id = try await api.experiment(experiment).experimentId
                let e = try await api.send(.post, "/v1/experiments/\(id)/restore", as: Experiment.self)
                if client.json { return try TrackingClient.printJSON(e) }
                print("restored experiment \(id) (\(e.name))")
            }
        }
    }
}

/// Parses `KEY=VALUE` from a `--tag` or `--param` option.
func parseTag(_ text: String) throws -> Tag {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw ValidationError("expected KEY=VALUE, got '\(text)'")
    }
    return Tag(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
}
