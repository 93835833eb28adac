import ArgumentParser
import Foundation
import WharfPlatform

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Search, show, plot, create and delete runs.",
        subcommands: [List.self, Show.self, Plot.self, Create.self, Log.self, Delete.self, Restore.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List or search runs of experiments (alias: search).", aliases: ["search"])
        @Option(name: .shortAndLong, help: "Experiment id or name (repeatable; default: every active experiment).") var experiment: [String] = []
        @Option(help: "MLflow filter, e.g. \"metrics.auc > 0.8 and params.max_depth = '6'\".") var filter: String?
        @Option(name: .customLong("order-by"), help: "Sort key, e.g. 'metrics.auc DESC' (repeatable).") var orderBy: [String] = []
        @Option(help: "At most this many runs.") var max: Int = 100
        @Flag(help: "Include deleted runs.") var all = false
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                var ids: [String] = []
                if experiment.isEmpty {
                    ids = try await api.get("/v1/experiments?maxResults=50000", as: TrackingClient.ExperimentList.self).experiments.map(\.experimentId)
                } else {
                    for e in experiment { ids.append(try await api.experiment(e).experimentId) }
                }
                var path = "/v1/runs?maxResults=\(max)&view=\(all ? "ALL" : "ACTIVE_ONLY")"
                for id in ids { path += "&experimentId=\(TrackingClient.query(id))" }
                if let filter { path += "&filter=\(TrackingClient.query(filter))" }
                for order in orderBy { path += "&orderBy=\(TrackingClient.query(order))" }
                let list = try await api.get(path, as: TrackingClient.RunList.self)
                if client.json { return try TrackingClient.printJSON(list) }
                let metricKeys = Array(Set(list.runs.flatMap { $0.data.metrics.map(\.key) })).sorted().prefix(4)
                var table = Table(headers: ["RUN ID", "NAME", "EXPERIMENT", "STATUS", "STARTED"] + metricKeys.map { $0.uppercased() })
                for run in list.runs {
                    let values = metricKeys.map { key in run.data.metrics.first { $0.key == key }.map { TrackingClient.number($0.value) } ?? "-" }
                    table.rows.append([run.info.runId, run.info.runName, run.info.experimentId, run.info.status, TrackingClient.time(run.info.startTime)] + values)
                }
                print(table.render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run: params, latest metrics with a text chart of each history, tags and inputs.")
        @Argument(help: "The run id.") var runId: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let r = try await api.get("/v1/runs/\(TrackingClient.segment(runId))", as: Run.self)
                if client.json { return try TrackingClient.printJSON(r) }
                print("run:        \(r.info.runId) (\(r.info.runName))")
                print("experiment: \(r.info.experimentId)")
                print("status:     \(r.info.status)\(r.info.lifecycleStage == "deleted" ? " (deleted)" : "")")
                print("started:    \(TrackingClient.time(r.info.startTime))")
                print("ended:      \(TrackingClient.time(r.info.endTime))")
                print("artifacts:  \(r.info.artifactUri)")
                if !r.data.params.isEmpty {
                    print("\nparams")
                    var table = Table(headers: ["KEY", "VALUE"])
                    table.rows = r.data.params.map { [$0.key, $0.value] }
                    print(table.render())
                }
                if !r.data.metrics.isEmpty {
                    print("\nmetrics")
                    var table = Table(headers: ["KEY", "LATEST", "STEP", "MIN", "MAX", "N", "HISTORY"])
                    for metric in r.data.metrics {
                        let history = try await api.history(runId: r.info.runId, key: metric.key)
                        let finite = history.map(\.value).filter(\.isFinite)
                        table.rows.append([
                            metric.key, TrackingClient.number(metric.value), String(metric.step),
                            finite.min().map(TrackingClient.number) ?? "-", finite.max().map(TrackingClient.number) ?? "-",
                            String(history.count), MetricChart.sparkline(history.map(\.value), width: 40),
                        ])
                    }
                    print(table.render())
                }
                let userTags = r.data.tags.filter { !$0.key.hasPrefix("mlflow.") }
                if !userTags.isEmpty {
                    print("\ntags")
                    var table = Table(headers: ["KEY", "VALUE"])
                    table.rows = userTags.map { [$0.key, $0.value] }
                    print(table.render())
                }
                if !r.inputs.datasetInputs.isEmpty {
                    print("\ninputs")
                    var table = Table(headers: ["DATASET", "DIGEST", "SOURCE TYPE"])
                    table.rows = r.inputs.datasetInputs.map { [$0.dataset.name, $0.dataset.digest, $0.dataset.sourceType] }
                    print(table.render())
                }
            }
        }
    }

    struct Plot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an SVG line chart of one metric's history.")
        @Argument(help: "The run id.") var runId: String
        @Option(help: "The metric key.") var metric: String
        @Option(name: .shortAndLong, help: "The SVG file to write.") var output: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let history = try await api.history(runId: runId, key: metric)
                guard !history.isEmpty else {
                    throw CommandFailure(message: "run '\(runId)' has no values of metric '\(metric)'", exitCode: 3)
                }
                let svg = MetricChart.svg(history, title: "\(metric) — run \(runId.prefix(8))")
                try Data(svg.utf8).write(to: URL(fileURLWithPath: output))
                if client.json {
                    struct Written: Encodable { let output: String; let points: Int }
                    return try TrackingClient.printJSON(Written(output: output, points: history.count))
                }
                print("wrote \(output) (\(history.count) points)")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a run in an experiment; prints its id.")
        @Option(name: .shortAndLong, help: "Experiment id or name.") var experiment: String = "0"
        @Option(help: "The run's name.") var name: String?
        @Option(name: .customLong("tag"), help: "A tag KEY=VALUE (repeatable).") var tags: [String] = []
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let parsedTags = try tags.map(parseTag)
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let id = try await api.experiment(experiment).experimentId
                struct Body: Encodable { let experimentId: String; let runName: String?; let tags: [Tag] }
                let r = try await api.send(.post, "/v1/runs", json: Body(experimentId: id, runName: name, tags: parsedTags), as: Run.self)
                if client.json { return try TrackingClient.printJSON(r) }
                print(r.info.runId)
            }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log params, metrics and tags to a run in one atomic batch.")
        @Argument(help: "The run id.") var runId: String
        @Option(name: .customLong("param"), help: "KEY=VALUE (repeatable).") var params: [String] = []
        @Option(name: .customLong("metric"), help: "KEY=VALUE or KEY=VALUE@STEP (repeatable).") var metrics: [String] = []
        @Option(name: .customLong("tag"), help: "KEY=VALUE (repeatable).") var tags: [String] = []
        @Option(help: "Set the run's status afterwards (FINISHED, FAILED, KILLED...).") var status: String?
        @OptionGroup var client: ClientOptions

        struct MetricBody: Encodable { let key: String; let value: Double; let step: Int64 }
        struct Body: Encodable { let metrics: [MetricBody]; let params: [Param]; let tags: [Tag] }

        func run() async throws {
            let parsedParams = try params.map(parseTag).map { Param(key: $0.key, value: $0.value) }
            let parsedTags = try tags.map(parseTag)
            let parsedMetrics = try metrics.map(parseTag).map { tag -> MetricBody in
                let parts = tag.value.split(separator: "@", maxSplits: 1)
                guard let value = Double(parts[0]), parts.count == 1 || Int64(parts[1]) != nil else {
                    throw ValidationError("--metric \(tag.key): expected a number with an optional @STEP, got '\(tag.value)'")
                }
                return MetricBody(key: tag.key, value: value, step: parts.count == 2 ? Int64(parts[1])! : 0)
            }
            try await runReportingFailures {
                let api = TrackingClient(client: try client.client())
                let path = "/v1/runs/\(TrackingClient.segment(runId))"
                try await api.send(.post, path + "/log", json: Body(metrics: parsedMetrics, params: parsedParams, tags: parsedTags))
                if let status {
                    struct Update: Encodable { let status: String; let endTime: Int64? }
                    let ending = status.uppercased() != "RUNNING" && status.uppercased() != "SCHEDULED"
                    try await api.send(.patch, path, json: Update(status: status, endTime: ending ? WallClock.millisecondsSinceEpoch() : nil))
                }
                if !client.json {
                    print("logged \(parsedMetrics.count) metrics, \(parsedParams.count) params, \(parsedTags.count) tags to \(runId)")
                } else {
                    try TrackingClient.printJSON(try await api.get(path, as: Run.self))
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a run (restorable).")
        @Argument(help: "The run id.") var runId: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let r = try await TrackingClient(client: try client.client()).send(.delete, "/v1/runs/\(TrackingClient.segment(runId))", as: Run.self)
                if client.json { return try TrackingClient.printJSON(r) }
                print("deleted run \(r.info.runId)")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a deleted run.")
        @Argument(help: "The run id.") var runId: String
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runReportingFailures {
                let r = try await TrackingClient(client: try client.client()).send(.post, "/v1/runs/\(TrackingClient.segment(runId))/restore", as: Run.self)
                if client.json { return try TrackingClient.printJSON(r) }
                print("restored run \(r.info.runId)")
            }
        }
    }
}
