import Foundation
import Hummingbird
import WharfObjectStore
import WharfPlatform

/// `/v1/experiments`, `/v1/runs` and `/v1/artifacts`: the native face of experiment tracking.
struct TrackingRoutes {
    let platform: Platform

    struct CreateExperiment: Decodable {
        let name: String
        let artifactLocation: String?
        let tags: [Tag]?
    }

    struct UpdateExperiment: Decodable {
        let name: String
    }

    struct TagValue: Decodable {
        let value: String
    }

    struct CreateRun: Decodable {
        let experimentId: String
        let runName: String?
        let userId: String?
        let startTime: Int64?
        let tags: [Tag]?
    }

    struct UpdateRun: Decodable {
        let status: String?
        let endTime: Int64?
        let runName: String?
    }

    struct MetricInput: Decodable {
        let key: String
        let value: Double
        let timestamp: Int64?
        let step: Int64?
    }

    struct LogBatch: Decodable {
        let metrics: [MetricInput]?
        let params: [Param]?
        let tags: [Tag]?
    }

    struct LogInputs: Decodable {
        let datasets: [DatasetInput]
    }

    func register(on group: RouterGroup<WharfRequestContext>) {
        let tracking = platform.tracking
        let artifacts = platform.artifacts
        let clock = platform.clock

        group.post("/experiments") { request, context in
            let body = try await request.decodeJSON(as: CreateExperiment.self, context: context)
            let id = try await tracking.createExperiment(name: body.name, artifactLocation: body.artifactLocation, tags: body.tags ?? [])
            return try NativeJSON.response(try await tracking.getExperiment(id), status: .created)
        }
        group.get("/experiments") { request, _ in
            let q = request.uri.queryParameters
            let page = try await tracking.searchExperiments(
                view: try ViewType.parse(q["view"].map(String.init), field: "view"), filter: q["filter"].map(String.init),
                orderBy: q.getAll("orderBy").map { String($0) }, maxResults: try NativeJSON.int(q["maxResults"], field: "maxResults") ?? 1000, pageToken: q["pageToken"].map(String.init))
            return try NativeJSON.response(ExperimentList(experiments: page.items, nextPageToken: page.nextPageToken))
        }
        group.get("/experiments/{id}") { _, context in
            try NativeJSON.response(try await tracking.getExperiment(try context.parameters.require("id")))
        }
        group.patch("/experiments/{id}") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: UpdateExperiment.self, context: context)
            try await tracking.renameExperiment(id, to: body.name)
            return try NativeJSON.response(try await tracking.getExperiment(id))
        }
        group.delete("/experiments/{id}") { _, context in
            let id = try context.parameters.require("id")
            try await tracking.deleteExperiment(id)
            return try NativeJSON.response(try await tracking.getExperiment(id))
        }
        group.post("/experiments/{id}/restore") { _, context in
            let id = try context.parameters.require("id")
            try await tracking.restoreExperiment(id)
            return try NativeJSON.response(try await tracking.getExperiment(id))
        }
        group.put("/experiments/{id}/tags/{key}") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: TagValue.self, context: context)
            try await tracking.setExperimentTag(id, tag: Tag(key: try context.parameters.require("key"), value: body.value))
            return try NativeJSON.response(try await tracking.getExperiment(id))
        }

        group.post("/runs") { request, context in
            let body = try await request.decodeJSON(as: CreateRun.self, context: context)
            let run = try await tracking.createRun(
                experimentId: body.experimentId, userId: body.userId ?? context.principal.userName, startTime: body.startTime, runName: body.runName, tags: body.tags ?? [])
            return try NativeJSON.response(run, status: .created)
        }
        group.get("/runs") { request, _ in
            let q = request.uri.queryParameters
            let page = try await tracking.searchRuns(
                experimentIds: q.getAll("experimentId").map { String($0) }, filter: q["filter"].map(String.init) ?? "",
                view: try ViewType.parse(q["view"].map(String.init), field: "view"),
                maxResults: try NativeJSON.int(q["maxResults"], field: "maxResults") ?? 1000,
                orderBy: q.getAll("orderBy").map { String($0) }, pageToken: q["pageToken"].map(String.init))
            return try NativeJSON.response(RunList(runs: page.items, nextPageToken: page.nextPageToken))
        }
        group.get("/runs/{id}") { _, context in
            try NativeJSON.response(try await tracking.getRun(try context.parameters.require("id")))
        }
        group.patch("/runs/{id}") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: UpdateRun.self, context: context)
            _ = try await tracking.updateRun(id, status: try body.status.map { try RunStatus.parse($0) }, endTime: body.endTime, runName: body.runName)
            return try NativeJSON.response(try await tracking.getRun(id))
        }
        group.delete("/runs/{id}") { _, context in
            let id = try context.parameters.require("id")
            try await tracking.deleteRun(id)
            return try NativeJSON.response(try await tracking.getRun(id))
        }
        group.post("/runs/{id}/restore") { _, context in
            let id = try context.parameters.require("id")
            try await tracking.restoreRun(id)
            return try NativeJSON.response(try await tracking.getRun(id))
        }
        group.post("/runs/{id}/log") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: LogBatch.self, context: context)
            let now = clock.milliseconds()
            let metrics = (body.metrics ?? []).map { Metric(key: $0.key, value: $0.value, timestamp: $0.timestamp ?? now, step: $0.step ?? 0) }
            try await tracking.logBatch(runId: id, metrics: metrics, params: body.params ?? [], tags: body.tags ?? [])
            return Response(status: .noContent)
        }
        group.post("/runs/{id}/inputs") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: LogInputs.self, context: context)
            try await tracking.logInputs(runId: id, datasets: body.datasets)
            return Response(status: .noContent)
        }
        // A metric key may contain '/' (`train/loss`, as MLflow allows): the path form takes the rest of the path
        // as the key (slashes as they are or percent-encoded), the query form takes `?key=`.
        @Sendable func history(_ request: Request, runId: String, key: String) async throws -> Response {
            let q = request.uri.queryParameters
            let page = try await tracking.metricHistory(
                runId: runId, key: key,
                maxResults: try NativeJSON.int(q["maxResults"], field: "maxResults") ?? 25000, pageToken: q["pageToken"].map(String.init))
            return try NativeJSON.response(MetricList(metrics: page.items, nextPageToken: page.nextPageToken))
        }
        group.get("/runs/{id}/metrics") { request, context in
            guard let key = request.uri.queryParameters["key"].map(String.init), !key.isEmpty else {
                throw WharfError.invalid("key", "name the metric with ?key= (or as the path after /metrics/)")
            }
            return try await history(request, runId: try context.parameters.require("id"), key: key)
        }
        group.get("/runs/{id}/metrics/**") { request, context in
            let raw = context.parameters.getCatchAll().joined(separator: "/")
            guard let key = raw.removingPercentEncoding, !key.isEmpty else {
                throw WharfError.invalid("key", "the metric key in the path is empty or not valid percent-encoding: '\(raw)'")
            }
            return try await history(request, runId: try context.parameters.require("id"), key: key)
        }

        group.get("/artifacts") { request, _ in
            let entries = try await artifacts.list(path: request.uri.queryParameters["path"].map(String.init) ?? "")
            return try NativeJSON.response(ArtifactList(files: entries))
        }
        group.put("/artifacts/**") { request, _ in
            try await artifacts.upload(path: try Self.artifactPath(request), body: ObjectBody(request.body))
            return Response(status: .noContent)
        }
        group.get("/artifacts/**") { request, _ in
            let download = try await artifacts.download(path: try Self.artifactPath(request))
            var headers: HTTPFields = [.contentType: "application/octet-stream"]
            headers[.contentLength] = String(download.info.size)
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: download.body))
        }
        group.delete("/artifacts/**") { request, _ in
            try await artifacts.delete(path: try Self.artifactPath(request))
            return Response(status: .noContent)
        }
    }

    static func artifactPath(_ request: Request) throws -> String {
        let raw = request.uri.path
        let start = "/v1/artifacts/"
        guard raw.hasPrefix(start) else { throw WharfError.invalid("path", "the artifact path must follow \(start)") }
        return try ArtifactRepository.validate(path: String(raw.dropFirst(start.count)))
    }

    struct ExperimentList: Encodable {
        let experiments: [Experiment]
        let nextPageToken: String?
    }

    struct RunList: Encodable {
        let runs: [Run]
        let nextPageToken: String?
    }

    struct MetricList: Encodable {
        let metrics: [Metric]
        let nextPageToken: String?
    }

    struct ArtifactList: Encodable {
        let files: [ArtifactEntry]
    }
}

/// The native face's JSON: camelCase as declared, NaN and infinities as strings so any logged value can be read back.
enum NativeJSON {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func int(_ text: Substring?, field: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw WharfError.invalid(field, "\(field) must be an integer; got '\(text)'") }
        return value
    }
}

extension Principal {
    /// The name runs record as their user: the key's name, or empty on an open server.
    var userName: String {
        switch self {
        case .key(let key): key.name
        default: ""
        }
    }
}
