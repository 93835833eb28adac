import Hummingbird
import WharfPlatform

/// MLflow's tracking REST calls (`experiments/*`, `runs/*`, `metrics/*`, `artifacts/list`, `logged-models/*`) over the tracking service.
struct MLflowTrackingRoutes {
    let tracking: TrackingService
    let artifacts: ArtifactRepository

    typealias Handler = @Sendable (MLflowParameters, Request, WharfRequestContext) async throws -> Response

    func register(on group: RouterGroup<WharfRequestContext>) {
        func on(_ path: String, _ methods: [HTTPRequest.Method], _ handler: @escaping Handler) {
            for method in methods {
                group.on(RouterPath(path), method: method) { request, context in
                    let parameters = try await MLflowParameters.from(request, context: context)
                    return try await handler(parameters, request, context)
                }
            }
        }
        let tracking = self.tracking
        let artifacts = self.artifacts

        // MARK: experiments
        on("/experiments/create", [.post]) { p, _, _ in
            let id = try await tracking.createExperiment(name: try p.string("name"), artifactLocation: try p.optionalString("artifact_location"), tags: try p.tags())
            return try MLflowJSON.response([("experiment_id", id)])
        }
        on("/experiments/get", [.get]) { p, _, _ in
            try MLflowJSON.response([("experiment", try await tracking.getExperiment(try p.string("experiment_id")))])
        }
        on("/experiments/get-by-name", [.get]) { p, _, _ in
            try MLflowJSON.response([("experiment", try await tracking.getExperiment(named: try p.string("experiment_name")))])
        }
        let searchExperiments: Handler = { p, _, _ in
            let page = try await tracking.searchExperiments(
                view: try ViewType.parse(try p.optionalString("view_type"), field: "view_type"), filter: try p.optionalString("filter"),
                orderBy: try p.stringList("order_by"), maxResults: try p.maxResults(default: 1000), pageToken: try p.optionalString("page_token"))
            return try MLflowJSON.response([("experiments", page.items), ("next_page_token", page.nextPageToken)])
        }
        on("/experiments/search", [.get, .post], searchExperiments)
        on("/experiments/list", [.get], searchExperiments)
        on("/experiments/update", [.post]) { p, _, _ in
            try await tracking.renameExperiment(try p.string("experiment_id"), to: try p.string("new_name"))
            return MLflowJSON.empty
        }
        on("/experiments/delete", [.post]) { p, _, _ in
            try await tracking.deleteExperiment(try p.string("experiment_id"))
            return MLflowJSON.empty
        }
        on("/experiments/restore", [.post]) { p, _, _ in
            try await tracking.restoreExperiment(try p.string("experiment_id"))
            return MLflowJSON.empty
        }
        on("/experiments/set-experiment-tag", [.post]) { p, _, _ in
            try await tracking.setExperimentTag(try p.string("experiment_id"), tag: Tag(key: try p.string("key"), value: try p.optionalString("value") ?? ""))
            return MLflowJSON.empty
        }

        on("/experiments/delete-experiment-tag", [.post]) { p, _, _ in
            try await tracking.deleteExperimentTag(try p.string("experiment_id"), key: try p.string("key"))
            return MLflowJSON.empty
        }

        // MARK: runs
        on("/runs/create", [.post]) { p, _, _ in
            let run = try await tracking.createRun(
                experimentId: try p.optionalString("experiment_id") ?? "0", userId: try p.optionalString("user_id") ?? "",
                startTime: try p.optionalInt64("start_time"), runName: try p.optionalString("run_name"), tags: try p.tags())
            return try MLflowJSON.response([("run", run)])
        }
        on("/runs/get", [.get]) { p, _, _ in
            try MLflowJSON.response([("run", try await tracking.getRun(try Self.runId(p)))])
        }
        on("/runs/update", [.post]) { p, _, _ in
            let status = try p.optionalString("status").map { try RunStatus.parse($0) }
            let info = try await tracking.updateRun(try Self.runId(p), status: status, endTime: try p.optionalInt64("end_time"), runName: try p.optionalString("run_name"))
            return try MLflowJSON.response([("run_info", info)])
        }
        on("/runs/delete", [.post]) { p, _, _ in
            try await tracking.deleteRun(try Self.runId(p))
            return MLflowJSON.empty
        }
        on("/runs/restore", [.post]) { p, _, _ in
            try await tracking.restoreRun(try Self.runId(p))
            return MLflowJSON.empty
        }
        on("/runs/log-metric", [.post]) { p, _, _ in
            let runId = try Self.runId(p)
            let metric = try p.metric()
            try await tracking.logBatch(runId: runId, metrics: [metric], modelMetrics: try p.modelMetric(metric, runId: runId).map { [$0] } ?? [])
            return MLflowJSON.empty
        }
        on("/runs/log-parameter", [.post]) { p, _, _ in
            try await tracking.logParam(runId: try Self.runId(p), Param(key: try p.string("key"), value: try p.optionalString("value") ?? ""))
            return MLflowJSON.empty
        }
        on("/runs/set-tag", [.post]) { p, _, _ in
            try await tracking.setTag(runId: try Self.runId(p), Tag(key: try p.string("key"), value: try p.optionalString("value") ?? ""))
            return MLflowJSON.empty
        }
        on("/runs/delete-tag", [.post]) { p, _, _ in
            try await tracking.deleteTag(runId: try Self.runId(p), key: try p.string("key"))
            return MLflowJSON.empty
        }
        on("/runs/log-batch", [.post]) { p, _, _ in
            let runId = try Self.runId(p)
            let (metrics, modelMetrics) = try p.metrics(runId: runId)
            try await tracking.logBatch(runId: runId, metrics: metrics, params: try p.params(), tags: try p.tags(), modelMetrics: modelMetrics)
            return MLflowJSON.empty
        }
        on("/runs/log-inputs", [.post]) { p, _, _ in
            let inputs = try p.objects("datasets").map { item in
                try item.nested { input -> DatasetInput in
                    guard let dataset = try input.object("dataset") else { throw WharfError.invalid("dataset", "missing required field 'dataset'") }
                    return DatasetInput(tags: try input.tags(), dataset: try dataset.nested { d in
                        Dataset(name: try d.string("name"), digest: try d.string("digest"), sourceType: try d.optionalString("source_type") ?? "",
                                source: try d.optionalString("source") ?? "", schema: try d.optionalString("schema"), profile: try d.optionalString("profile"))
                    })
                }
            }
            let runId = try Self.runId(p)
            try await tracking.logInputs(runId: runId, datasets: inputs)
            let models = try p.objects("models").map { item in try item.nested { ModelOutput(modelId: try $0.string("model_id"), step: try $0.optionalInt64("step") ?? 0) } }
            if !models.isEmpty { try await tracking.logOutputs(runId: runId, models: models) }
            return MLflowJSON.empty
        }
        on("/runs/outputs", [.post]) { p, _, _ in
            let models = try p.objects("models").map { item in try item.nested { ModelOutput(modelId: try $0.string("model_id"), step: try $0.optionalInt64("step") ?? 0) } }
            try await tracking.logOutputs(runId: try Self.runId(p), models: models)
            return MLflowJSON.empty
        }
        on("/runs/search", [.post, .get]) { p, _, _ in
            let page = try await tracking.searchRuns(
                experimentIds: try p.stringList("experiment_ids"), filter: try p.optionalString("filter") ?? "",
                view: try ViewType.parse(try p.optionalString("run_view_type")), maxResults: try p.maxResults(default: 1000),
                orderBy: try p.stringList("order_by"), pageToken: try p.optionalString("page_token"))
            return try MLflowJSON.response([("runs", page.items), ("next_page_token", page.nextPageToken)])
        }
        on("/metrics/get-history", [.get]) { p, _, _ in
            let page = try await tracking.metricHistory(
                runId: try Self.runId(p), key: try p.string("metric_key"), maxResults: try p.maxResults(default: 25000), pageToken: try p.optionalString("page_token"))
            return try MLflowJSON.response([("metrics", page.items), ("next_page_token", page.nextPageToken)])
        }

        on("/metrics/get-history-bulk", [.get]) { p, _, _ in
            let metrics = try await tracking.metricHistoryBulk(
                runIds: try p.stringList("run_id"), key: try p.string("metric_key"), maxResults: try p.maxResults(default: 25000))
            return try MLflowJSON.response([("metrics", metrics)])
        }
        on("/artifacts/list", [.get]) { p, _, _ in
            let run = try await tracking.getRun(try Self.runId(p))
            let path = try p.optionalString("path").flatMap { $0.isEmpty ? nil : $0 }
            let files = try await Self.listRunArtifacts(run.info.artifactUri, path: path, artifacts: artifacts)
            return try MLflowJSON.response([("root_uri", run.info.artifactUri), ("files", files)])
        }

        on("/metrics/get-history-bulk-interval", [.get]) { p, _, _ in
            let metrics = try await tracking.metricHistoryBulkInterval(
                runIds: try p.stringList("run_ids"), key: try p.string("metric_key"),
                maxResults: try p.maxResults(default: TrackingService.maxValuesPerHistorySample),
                startStep: try p.optionalInt64("start_step"), endStep: try p.optionalInt64("end_step"))
            return try MLflowJSON.response([("metrics", metrics)])
        }

        // MARK: logged models (MLflow 3)
        on("/logged-models", [.post]) { p, _, _ in
            let model = try await tracking.createLoggedModel(
                experimentId: try p.string("experiment_id"), name: try p.optionalString("name"), sourceRunId: try p.optionalString("source_run_id"),
                modelType: try p.optionalString("model_type"), tags: try p.tags(), params: try p.params())
            return try MLflowJSON.response([("model", MLflowLoggedModel(model))])
        }
        on("/logged-models/search", [.post]) { p, _, _ in
            let datasets = try p.objects("datasets").map { item in
                try item.nested { LoggedModelDataset(name: try $0.optionalString("dataset_name") ?? "", digest: try $0.optionalString("dataset_digest")) }
            }
            let page = try await tracking.searchLoggedModels(
                experimentIds: try p.stringList("experiment_ids"), filter: try p.optionalString("filter"), datasets: datasets,
                orderBy: try p.objects("order_by").map { item in
                    try item.nested {
                        LoggedModelOrder(fieldName: try $0.string("field_name"), ascending: try $0.bool("ascending") ?? true,
                                         datasetName: try $0.optionalString("dataset_name"), datasetDigest: try $0.optionalString("dataset_digest"))
                    }
                },
                maxResults: try p.maxResults(default: 100), pageToken: try p.optionalString("page_token"))
            return try MLflowJSON.response([("models", page.items.map(MLflowLoggedModel.init)), ("next_page_token", page.nextPageToken)])
        }
        on("/logged-models/{model_id}", [.get]) { _, _, context in
            let model = try await tracking.getLoggedModel(try context.parameters.require("model_id"))
            return try MLflowJSON.response([("model", MLflowLoggedModel(model))])
        }
        on("/logged-models/{model_id}", [.delete]) { _, _, context in
            try await tracking.deleteLoggedModel(try context.parameters.require("model_id"))
            return MLflowJSON.empty
        }
        on("/logged-models/{model_id}", [.patch]) { p, _, context in
            let model = try await tracking.finalizeLoggedModel(try context.parameters.require("model_id"), status: try p.string("status"))
            return try MLflowJSON.response([("model", MLflowLoggedModel(model))])
        }
        on("/logged-models/{model_id}/tags", [.patch]) { p, _, context in
            try await tracking.setLoggedModelTags(try context.parameters.require("model_id"), tags: try p.tags())
            return MLflowJSON.empty
        }
        on("/logged-models/{model_id}/tags/{tag_key}", [.delete]) { _, _, context in
            try await tracking.deleteLoggedModelTag(try context.parameters.require("model_id"), key: try context.parameters.require("tag_key"))
            return MLflowJSON.empty
        }
        on("/logged-models/{model_id}/params", [.post]) { p, _, context in
            try await tracking.logLoggedModelParams(try context.parameters.require("model_id"), params: try p.params())
            return MLflowJSON.empty
        }
    }

    /// MLflow clients send `run_id`; old ones send `run_uuid`.
    static func runId(_ p: MLflowParameters) throws -> String {
        if let id = try p.optionalString("run_id"), !id.isEmpty { return id }
        if let id = try p.optionalString("run_uuid"), !id.isEmpty { return id }
        throw MLflowParameters.missing("run_id")
    }

    /// A run's artifacts under `path` (relative to the run's root), named by their path from that root as MLflow
    /// lists them. Roots outside Wharf's artifact store (an experiment's own `s3://` or `file:` location) are the
    /// client's to list: none are returned for them.
    static func listRunArtifacts(_ root: String, path: String?, artifacts: ArtifactRepository) async throws -> [ArtifactEntry] {
        guard root.hasPrefix(TrackingService.artifactScheme) else { return [] }
        let base = root.dropFirst(TrackingService.artifactScheme.count).split(separator: "/").joined(separator: "/")
        let relative = try path.map { try ArtifactRepository.validate(path: $0) }
        // MLflow lists nothing under a file's own path.
        let listed = try await artifacts.list(path: relative.map { "\(base)/\($0)" } ?? base, fileListsItself: false)
        return listed.map { entry in
            ArtifactEntry(path: relative.map { "\($0)/\(entry.path)" } ?? entry.path, isDir: entry.isDir, fileSize: entry.fileSize)
        }
    }
}

/// MLflow's JSON form of a logged model: `{info: {...}, data: {params}}` with `LOGGED_MODEL_*` statuses.
struct MLflowLoggedModel: Encodable {
    struct Info: Encodable {
        let modelId: String
        let experimentId: String
        let name: String
        let artifactUri: String
        let creationTimestampMs: Int64
        let lastUpdatedTimestampMs: Int64
        let sourceRunId: String?
        let status: String
        let modelType: String?
        let tags: [Tag]
    }
    struct DataPart: Encodable {
        let params: [Param]
        let metrics: [LoggedModelMetric]
    }
    let info: Info
    let data: DataPart

    init(_ model: LoggedModel) {
        let status = switch model.status {
        case "READY": "LOGGED_MODEL_READY"
        case "FAILED": "LOGGED_MODEL_UPLOAD_FAILED"
        default: "LOGGED_MODEL_PENDING"
        }
        info = Info(
            modelId: model.modelId, experimentId: model.experimentId, name: model.name, artifactUri: model.artifactUri,
            creationTimestampMs: model.creationTimestampMs, lastUpdatedTimestampMs: model.lastUpdatedTimestampMs,
            sourceRunId: model.sourceRunId, status: status, modelType: model.modelType, tags: model.tags)
        data = DataPart(params: model.params, metrics: model.metrics)
    }
}
