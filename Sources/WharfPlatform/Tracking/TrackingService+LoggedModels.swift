import Foundation
import SQLKit

/// MLflow 3's logged models: created before their artifacts are uploaded, finalized after.
extension TrackingService {
    /// Creates a pending logged model. The source run is recorded as given, even when no such run exists:
    /// `mlflow server` accepts that too (the run id is lineage, not a reference it checks).
    public func createLoggedModel(
        experimentId: String, name: String?, sourceRunId: String?, modelType: String?, tags: [Tag] = [], params: [Param] = []
    ) async throws -> LoggedModel {
        try Self.validate(tags: tags, field: "tags")
        let modelId = "m-" + TrackingIdentifier.hex()
        let now = clock.milliseconds()
        let modelName = name.flatMap { $0.isEmpty ? nil : $0 } ?? "model-\(modelId.dropFirst(2).prefix(8))"
        try await store.transaction { db in
            guard let row = try await db.raw("SELECT artifact_location FROM experiments WHERE experiment_id = \(bind: experimentId)").first() else {
                throw WharfError(.notFound, "experiment '\(experimentId)' does not exist", field: "experiment_id")
            }
            let location = try row.decode(column: "artifact_location", as: String.self)
            let root = location.hasSuffix("/") ? String(location.dropLast()) : location
            try await db.raw("""
                INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time, source_run_id, status, model_type)
                VALUES (\(bind: modelId), \(bind: experimentId), \(bind: modelName), \(bind: "\(root)/models/\(modelId)/artifacts"), \(bind: now), \(bind: now),
                        \(bind: sourceRunId), 'PENDING', \(bind: modelType))
                """).run()
            try await Self.upsertModelTags(modelId, tags, db: db)
            try await Self.upsertModelParams(modelId, params, db: db)
        }
        return try await getLoggedModel(modelId)
    }

    public func getLoggedModel(_ modelId: String) async throws -> LoggedModel {
        try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM logged_models WHERE model_id = \(bind: modelId) AND lifecycle_stage = 'active'").first() else {
                throw WharfError(.notFound, "logged model '\(modelId)' does not exist", field: "model_id")
            }
            return try await Self.loggedModel(row, db: db)
        }
    }

    /// Sets a logged model's status (READY once its artifacts are uploaded, or FAILED).
    public func finalizeLoggedModel(_ modelId: String, status: String) async throws -> LoggedModel {
        let allowed = ["PENDING", "READY", "FAILED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"]
        guard allowed.contains(status) else { throw WharfError.invalid("status", "status must be one of \(allowed.joined(separator: ", ")); got '\(status)'") }
        let normalised = status.hasPrefix("LOGGED_MODEL_") ? (status == "LOGGED_MODEL_UPLOAD_FAILED" ? "FAILED" : String(status.dropFirst(13))) : status
        let now = clock.milliseconds()
        try await store.transaction { db in
            try await Self.requireModel(modelId, db: db)
            try await db.raw("UPDATE logged_models SET status = \(bind: normalised), last_updated_time = \(bind: now) WHERE model_id = \(bind: modelId)").run()
        }
        return try await getLoggedModel(modelId)
    }

    public func setLoggedModelTags(_ modelId: String, tags: [Tag]) async throws {
        try Self.validate(tags: tags, field: "tags")
        try await store.transaction { db in
            try await Self.requireModel(modelId, db: db)
            try await Self.upsertModelTags(modelId, tags, db: db)
        }
    }

    public func deleteLoggedModelTag(_ modelId: String, key: String) async throws {
        try await store.transaction { db in
            try await Self.requireModel(modelId, db: db)
            guard try await db.raw("SELECT key FROM logged_model_tags WHERE model_id = \(bind: modelId) AND key = \(bind: key)").first() != nil else {
                throw WharfError(.notFound, "logged model '\(modelId)' has no tag '\(key)'", field: "tag_key")
            }
            try await db.raw("DELETE FROM logged_model_tags WHERE model_id = \(bind: modelId) AND key = \(bind: key)").run()
        }
    }

    /// Marks a logged model deleted, as MLflow does: get and search no longer return it; its artifacts stay.
    public func deleteLoggedModel(_ modelId: String) async throws {
        let now = clock.milliseconds()
        try await store.transaction { db in
            try await Self.requireModel(modelId, db: db)
            try await db.raw("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_time = \(bind: now) WHERE model_id = \(bind: modelId)").run()
        }
    }

    public func logLoggedModelParams(_ modelId: String, params: [Param]) async throws {
        try await store.transaction { db in
            try await Self.requireModel(modelId, db: db)
            try await Self.upsertModelParams(modelId, params, db: db)
        }
    }

    /// Live logged models of some experiments, newest first, filtered with MLflow's logged-model grammar
    /// (`name`, `model_id`, `model_type`, `status`, `source_run_id`, `creation_time`, `last_updated_time`,
    /// `metrics.<key>`, `params.<key>`, `tags.<key>`) translated to SQL.
    /// With `datasets`, metric comparisons count only values logged on one of those data sets (as in MLflow).
    public func searchLoggedModels(
        experimentIds: [String], filter: String? = nil, datasets: [LoggedModelDataset] = [], orderBy: [LoggedModelOrder] = [],
        maxResults: Int = 100, pageToken: String? = nil
    ) async throws -> Page<LoggedModel> {
        for (i, d) in datasets.enumerated() where d.name.isEmpty {
            throw WharfError.invalid("datasets[\(i)].dataset_name", "`dataset_name` in the `datasets` clause must be specified.")
        }
        let offset = try PageToken.decode(pageToken)
        let limit = try Self.limit(maxResults)
        let search = try LoggedModelSearch.parse(filter)
        let orderTerms = try LoggedModelSearch.orderTerms(orderBy)
        guard !experimentIds.isEmpty else { return Page(items: [], nextPageToken: nil) }
        let backend = self.backend
        return try await store.withDatabase { db in
            let ids: [any Encodable & Sendable] = experimentIds
            var query: SQLQueryString = "SELECT lm.* FROM logged_models lm WHERE lm.experiment_id IN (\(binds: ids)) AND lm.lifecycle_stage = 'active'"
            for condition in search.conditions(backend: backend, datasets: datasets) { query += " AND \(condition)" }
            query += " ORDER BY \(orderTerms.joined(separator: ", ")) LIMIT \(literal: limit + 1) OFFSET \(literal: offset)"
            let rows = try await db.raw(query).all()
            var items: [LoggedModel] = []
            for row in rows.prefix(limit) { items.append(try await Self.loggedModel(row, db: db)) }
            return Page(items: items, nextPageToken: rows.count > limit ? PageToken.encode(offset + limit) : nil)
        }
    }

    /// Records metric values logged against logged models (inside the caller's log-batch transaction);
    /// an identical value is kept once.
    static func insertModelMetrics(_ metrics: [LoggedModelMetric], db: any SQLDatabase) async throws {
        guard !metrics.isEmpty else { return }
        let modelIds = Array(Set(metrics.map(\.modelId)))
        let wanted: [any Encodable & Sendable] = modelIds
        let known = Set(try await db.raw("SELECT model_id FROM logged_models WHERE model_id IN (\(binds: wanted))").all().map { try $0.decode(column: "model_id", as: String.self) })
        if let missing = modelIds.sorted().first(where: { !known.contains($0) }) {
            throw WharfError(.notFound, "logged model '\(missing)' does not exist", field: "model_id")
        }
        let rows = metrics.map { m -> SQLQueryString in
            """
            (\(bind: m.modelId), \(bind: m.key), \(number(m.value)), \(literal: m.value.isNaN ? 1 : 0), \(literal: m.timestamp), \(literal: m.step), \
            \(bind: m.runId), \(bind: m.datasetName ?? ""), \(bind: m.datasetDigest ?? ""))
            """
        }
        try await db.raw("""
            INSERT INTO logged_model_metrics (model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest)
            VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING
            """).run()
    }

    static func requireModel(_ modelId: String, db: any SQLDatabase) async throws {
        guard try await db.raw("SELECT model_id FROM logged_models WHERE model_id = \(bind: modelId)").first() != nil else {
            throw WharfError(.notFound, "logged model '\(modelId)' does not exist", field: "model_id")
        }
    }

    static func upsertModelTags(_ modelId: String, _ tags: [Tag], db: any SQLDatabase) async throws {
        for t in tags {
            try await db.raw("""
                INSERT INTO logged_model_tags (model_id, key, value) VALUES (\(bind: modelId), \(bind: t.key), \(bind: t.value))
                ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value
                """).run()
        }
    }

    static func upsertModelParams(_ modelId: String, _ params: [Param], db: any SQLDatabase) async throws {
        for p in params {
            try await db.raw("""
                INSERT INTO logged_model_params (model_id, key, value) VALUES (\(bind: modelId), \(bind: p.key), \(bind: p.value))
                ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value
                """).run()
        }
    }

    static func loggedModel(_ row: any SQLRow, db: any SQLDatabase) async throws -> LoggedModel {
        let id = try row.decode(column: "model_id", as: String.self)
        let tags = try await db.raw("SELECT key, value FROM logged_model_tags WHERE model_id = \(bind: id) ORDER BY key").all().map(tag)
        let params = try await db.raw("SELECT key, value FROM logged_model_params WHERE model_id = \(bind: id) ORDER BY key").all()
            .map(tag).map { Param(key: $0.key, value: $0.value) }
        let metrics = try await db.raw("""
            SELECT key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest FROM logged_model_metrics
            WHERE model_id = \(bind: id) ORDER BY key, step, timestamp, run_id, dataset_name, dataset_digest
            """).all().map { row in
                LoggedModelMetric(
                    modelId: id, metric: try metric(row), runId: try row.decode(column: "run_id", as: String.self),
                    datasetName: try row.decode(column: "dataset_name", as: String.self).nonEmpty,
                    datasetDigest: try row.decode(column: "dataset_digest", as: String.self).nonEmpty)
            }
        return LoggedModel(
            modelId: id,
            experimentId: try row.decode(column: "experiment_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            artifactUri: try row.decode(column: "artifact_location", as: String.self),
            creationTimestampMs: try row.decode(column: "creation_time", as: Int64.self),
            lastUpdatedTimestampMs: try row.decode(column: "last_updated_time", as: Int64.self),
            sourceRunId: try row.decode(column: "source_run_id", as: String?.self),
            status: try row.decode(column: "status", as: String.self),
            modelType: try row.decode(column: "model_type", as: String?.self),
            tags: tags,
            params: params,
            metrics: metrics
        )
    }
}

extension String {
    /// nil for the empty string, which the schema stores for "none".
    var nonEmpty: String? { isEmpty ? nil : self }
}
