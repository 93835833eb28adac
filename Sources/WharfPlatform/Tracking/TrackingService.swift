import Foundation
import SQLKit

/// Experiments, runs, params, metrics, tags, inputs and logged models over the metadata store.
/// Both the MLflow face and the native `/v1` face call this one service.
public final class TrackingService: Sendable {
    let store: MetadataStore
    /// Where run, metric and model times come from (a `ManualClock` in tests).
    let clock: any PlatformClock
    /// The URI scheme and root under which run artifacts live (resolved by the artifact proxy).
    public static let artifactScheme = "mlflow-artifacts:"

    public init(store: MetadataStore, clock: any PlatformClock = SystemWallClock()) {
        self.clock = clock
        self.store = store
    }

    var backend: MetadataStore.Backend { store.backend }

    // MARK: experiments

    /// Creates an experiment; names are unique among live and deleted experiments, as in MLflow.
    public func createExperiment(name: String, artifactLocation: String? = nil, tags: [Tag] = []) async throws -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw WharfError.invalid("name", "an experiment needs a non-empty name") }
        try Self.validate(tags: tags, field: "tags")
        let given = try artifactLocation.flatMap { $0.isEmpty ? nil : try Self.resolve(artifactLocation: $0) }
        let now = clock.milliseconds()
        let backend = self.backend
        return try await store.transaction { db in
            // The id is claimed first: that holds the counter row, so concurrent creators queue here and the
            // name check below sees whatever the one before committed.
            let seq = try await Self.claimExperimentSeq(db: db, backend: backend)
            if try await db.raw("SELECT experiment_id FROM experiments WHERE name = \(bind: name)").first() != nil {
                throw WharfError(.conflict, "experiment '\(name)' already exists", field: "name", reason: .alreadyExists)
            }
            let id = String(seq)
            let location = given ?? "\(Self.artifactScheme)/\(id)"
            try await db.raw("""
                INSERT INTO experiments (experiment_id, seq, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (\(bind: id), \(bind: seq), \(bind: name), \(bind: location), 'active', \(bind: now), \(bind: now))
                """).run()
            for tag in tags {
                try await db.raw("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (\(bind: id), \(bind: tag.key), \(bind: tag.value))").run()
            }
            return id
        }
    }

    /// The next experiment number, from the counter row (never below an id a binary without the counter wrote).
    static func claimExperimentSeq(db: any SQLDatabase, backend: MetadataStore.Backend) async throws -> Int64 {
        let greatest = TrackingSchema.greatest(backend)
        guard let row = try await db.raw("""
            UPDATE tracking_counters SET value = \(unsafeRaw: greatest)(value, (SELECT COALESCE(MAX(seq), 0) FROM experiments)) + 1
            WHERE name = 'experiment' RETURNING value
            """).first() else {
            throw WharfError(.internal, "the experiment counter is missing from the metadata database")
        }
        return try row.decode(column: "value", as: Int64.self)
    }

    /// An experiment's artifact location as MLflow stores it: a relative local path (or `file:` URI) becomes
    /// absolute against the server's working directory; a `runs:/` URI, fragments and `;params` are refused.
    static func resolve(artifactLocation location: String) throws -> String {
        guard !location.hasPrefix("runs:") else {
            throw WharfError.invalid("artifact_location", "Artifact location cannot be a runs:/ URI. Given: '\(location)'")
        }
        if let colon = location.firstIndex(of: ":"), isURIScheme(location[..<colon]) {
            guard !location.contains("#") else {
                throw WharfError.invalid("artifact_location", "'artifact_location' URL can't include fragments or params.")
            }
            guard location[..<colon].lowercased() == "file" else { return location }
            let path = location[location.index(after: colon)...]
            return path.hasPrefix("/") ? location : "file://" + absolute(String(path))
        }
        return location.hasPrefix("/") ? location : absolute(location)
    }

    /// `s3`, `mlflow-artifacts`, `file`: RFC 3986's scheme characters, two at least (so `C:` stays a path).
    static func isURIScheme(_ text: Substring) -> Bool {
        guard text.count > 1, let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    private static func absolute(_ relative: String) -> String {
        URL(fileURLWithPath: relative, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL.path
    }

    public func getExperiment(_ id: String) async throws -> Experiment {
        try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM experiments WHERE experiment_id = \(bind: id)").first() else {
                throw WharfError.notFound("experiment", id)
            }
            return try await Self.experiment(row, db: db)
        }
    }

    public func getExperiment(named name: String) async throws -> Experiment {
        try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM experiments WHERE name = \(bind: name)").first() else {
                throw WharfError(.notFound, "experiment named '\(name)' does not exist", field: "experiment_name")
            }
            return try await Self.experiment(row, db: db)
        }
    }

    /// Searches experiments with MLflow's experiment filter grammar (`name LIKE 'lead%' AND tags.team = 'growth'`,
    /// `attributes.creation_time > 1700000000000`) and order_by clauses; newest first by default.
    public func searchExperiments(
        view: ViewType = .activeOnly, filter: String? = nil, orderBy: [String] = [], maxResults: Int = 1000, pageToken: String? = nil
    ) async throws -> Page<Experiment> {
        let search = try ExperimentSearch.parse(filter: filter, orderBy: orderBy)
        let offset = try PageToken.decode(pageToken)
        let limit = try Self.limit(maxResults)
        let backend = self.backend
        return try await store.withDatabase { db in
            let stages: [any Encodable & Sendable] = view.stages
            var query: SQLQueryString = "SELECT e.* FROM experiments e WHERE e.lifecycle_stage IN (\(binds: stages))"
            for condition in search.conditions(backend: backend) { query += " AND \(condition)" }
            query += " ORDER BY \(unsafeRaw: search.sorts.joined(separator: ", ")) LIMIT \(literal: limit + 1) OFFSET \(literal: offset)"
            let rows = try await db.raw(query).all()
            var items: [Experiment] = []
            for row in rows.prefix(limit) { items.append(try await Self.experiment(row, db: db)) }
            return Page(items: items, nextPageToken: rows.count > limit ? PageToken.encode(offset + limit) : nil)
        }
    }

    public func renameExperiment(_ id: String, to name: String) async throws {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw WharfError.invalid("new_name", "an experiment needs a non-empty name") }
        let now = clock.milliseconds()
        try await store.transaction { db in
            _ = try await Self.experimentStage(id, db: db)
            if let other = try await db.raw("SELECT experiment_id FROM experiments WHERE name = \(bind: name)").first(),
               try other.decode(column: "experiment_id", as: String.self) != id {
                throw WharfError(.conflict, "experiment '\(name)' already exists", field: "new_name", reason: .alreadyExists)
            }
            try await db.raw("UPDATE experiments SET name = \(bind: name), last_update_time = \(bind: now) WHERE experiment_id = \(bind: id)").run()
        }
    }

    /// Marks an experiment and its runs deleted (restorable).
    public func deleteExperiment(_ id: String) async throws {
        try await setExperimentStage(id, to: "deleted")
    }

    public func restoreExperiment(_ id: String) async throws {
        try await setExperimentStage(id, to: "active")
    }

    private func setExperimentStage(_ id: String, to stage: String) async throws {
        guard id != "0" || stage == "active" else { throw WharfError.invalid("experiment_id", "the Default experiment cannot be deleted") }
        let now = clock.milliseconds()
        try await store.transaction { db in
            _ = try await Self.experimentStage(id, db: db)
            try await db.raw("UPDATE experiments SET lifecycle_stage = \(bind: stage), last_update_time = \(bind: now) WHERE experiment_id = \(bind: id)").run()
            try await db.raw("UPDATE runs SET lifecycle_stage = \(bind: stage) WHERE experiment_id = \(bind: id)").run()
        }
    }

    public func setExperimentTag(_ id: String, tag: Tag) async throws {
        try Self.validate(tags: [tag], field: "key")
        try await store.transaction { db in
            _ = try await Self.experimentStage(id, db: db)
            try await db.raw("""
                INSERT INTO experiment_tags (experiment_id, key, value) VALUES (\(bind: id), \(bind: tag.key), \(bind: tag.value))
                ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
                """).run()
        }
    }

    /// Removes a tag of an active experiment; a tag it does not have is RESOURCE_DOES_NOT_EXIST, as in MLflow.
    public func deleteExperimentTag(_ id: String, key: String) async throws {
        try await store.transaction { db in
            guard try await Self.experimentStage(id, db: db) == "active" else {
                throw WharfError.invalid("experiment_id", "experiment '\(id)' is deleted: restore it before changing it")
            }
            guard try await db.raw("SELECT key FROM experiment_tags WHERE experiment_id = \(bind: id) AND key = \(bind: key)").first() != nil else {
                throw WharfError(.notFound, "No tag with name: \(key) in experiment with id \(id)", field: "key")
            }
            try await db.raw("DELETE FROM experiment_tags WHERE experiment_id = \(bind: id) AND key = \(bind: key)").run()
        }
    }

    static func experimentStage(_ id: String, db: any SQLDatabase) async throws -> String {
        guard let row = try await db.raw("SELECT lifecycle_stage FROM experiments WHERE experiment_id = \(bind: id)").first() else {
            throw WharfError.notFound("experiment", id)
        }
        return try row.decode(column: "lifecycle_stage", as: String.self)
    }

    static func experiment(_ row: any SQLRow, db: any SQLDatabase) async throws -> Experiment {
        let id = try row.decode(column: "experiment_id", as: String.self)
        let tags = try await db.raw("SELECT key, value FROM experiment_tags WHERE experiment_id = \(bind: id) ORDER BY key").all().map(tag)
        return Experiment(
            experimentId: id,
            name: try row.decode(column: "name", as: String.self),
            artifactLocation: try row.decode(column: "artifact_location", as: String.self),
            lifecycleStage: try row.decode(column: "lifecycle_stage", as: String.self),
            creationTime: try row.decode(column: "creation_time", as: Int64.self),
            lastUpdateTime: try row.decode(column: "last_update_time", as: Int64.self),
            tags: tags
        )
    }

    static func tag(_ row: any SQLRow) throws -> Tag {
        Tag(key: try row.decode(column: "key", as: String.self), value: try row.decode(column: "value", as: String.self))
    }

    // MARK: runs

    /// Starts a run in an experiment; `runName` defaults to a generated one, as the MLflow client expects.
    public func createRun(experimentId: String, userId: String = "", startTime: Int64? = nil, runName: String? = nil, tags: [Tag] = []) async throws -> Run {
        try Self.validate(tags: tags, field: "tags")
        let runId = TrackingIdentifier.hex()
        let name = runName.flatMap { $0.isEmpty ? nil : $0 }
            ?? tags.first(where: { $0.key == "mlflow.runName" })?.value
            ?? "run-\(runId.prefix(8))"
        let start = startTime ?? clock.milliseconds()
        try await store.transaction { db in
            guard let row = try await db.raw("SELECT artifact_location, lifecycle_stage FROM experiments WHERE experiment_id = \(bind: experimentId)").first() else {
                throw WharfError(.notFound, "experiment '\(experimentId)' does not exist", field: "experiment_id")
            }
            guard try row.decode(column: "lifecycle_stage", as: String.self) == "active" else {
                throw WharfError.invalid("experiment_id", "experiment '\(experimentId)' is deleted: restore it before starting runs")
            }
            let location = try row.decode(column: "artifact_location", as: String.self)
            let artifactURI = "\(location.hasSuffix("/") ? String(location.dropLast()) : location)/\(runId)/artifacts"
            try await db.raw("""
                INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri)
                VALUES (\(bind: runId), \(bind: experimentId), \(bind: name), \(bind: userId), 'RUNNING', \(bind: start), NULL, 'active', \(bind: artifactURI))
                """).run()
            var all = tags.filter { $0.key != "mlflow.runName" }
            all.append(Tag(key: "mlflow.runName", value: name))
            try await Self.upsertTags(runId: runId, all, db: db)
        }
        return try await getRun(runId)
    }

    public func getRun(_ runId: String) async throws -> Run {
        try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM runs WHERE run_id = \(bind: runId)").first() else {
                throw Self.runNotFound(runId)
            }
            return try await Self.loadRuns([try Self.runInfo(row)], db: db)[0]
        }
    }

    /// Changes a run's status, end time or name.
    public func updateRun(_ runId: String, status: RunStatus?, endTime: Int64?, runName: String?) async throws -> RunInfo {
        try await store.transaction { db in
            _ = try await Self.activeRun(runId, db: db)
            if let status {
                try await db.raw("UPDATE runs SET status = \(bind: status.rawValue) WHERE run_id = \(bind: runId)").run()
            }
            if let endTime {
                try await db.raw("UPDATE runs SET end_time = \(bind: endTime) WHERE run_id = \(bind: runId)").run()
            }
            if let runName, !runName.isEmpty {
                try await Self.upsertTags(runId: runId, [Tag(key: "mlflow.runName", value: runName)], db: db)
            }
            let row = try await db.raw("SELECT * FROM runs WHERE run_id = \(bind: runId)").first()!
            return try Self.runInfo(row)
        }
    }

    public func deleteRun(_ runId: String) async throws {
        try await setRunStage(runId, to: "deleted")
    }

    public func restoreRun(_ runId: String) async throws {
        try await setRunStage(runId, to: "active")
    }

    private func setRunStage(_ runId: String, to stage: String) async throws {
        try await store.transaction { db in
            guard try await db.raw("SELECT run_id FROM runs WHERE run_id = \(bind: runId)").first() != nil else {
                throw Self.runNotFound(runId)
            }
            try await db.raw("UPDATE runs SET lifecycle_stage = \(bind: stage) WHERE run_id = \(bind: runId)").run()
        }
    }

    /// Logs metrics, params and tags in one transaction: all are stored or none. `modelMetrics` are values of
    /// `metrics` that the client also logged against a logged model (MLflow's `model_id` on a metric).
    public func logBatch(runId: String, metrics: [Metric] = [], params: [Param] = [], tags: [Tag] = [], modelMetrics: [LoggedModelMetric] = []) async throws {
        try Self.validateBatch(metrics: metrics, params: params, tags: tags)
        let backend = self.backend
        try await store.transaction { db in
            _ = try await Self.activeRun(runId, db: db)
            try await Self.insertParams(runId: runId, params, db: db)
            try await Self.insertMetrics(runId: runId, metrics, backend: backend, db: db)
            try await Self.upsertTags(runId: runId, tags, db: db)
            try await Self.insertModelMetrics(modelMetrics, db: db)
        }
    }

    public func logMetric(runId: String, _ metric: Metric) async throws {
        try await logBatch(runId: runId, metrics: [metric])
    }

    public func logParam(runId: String, _ param: Param) async throws {
        try await logBatch(runId: runId, params: [param])
    }

    public func setTag(runId: String, _ tag: Tag) async throws {
        try await logBatch(runId: runId, tags: [tag])
    }

    public func deleteTag(runId: String, key: String) async throws {
        try await store.transaction { db in
            _ = try await Self.activeRun(runId, db: db)
            guard try await db.raw("SELECT key FROM run_tags WHERE run_id = \(bind: runId) AND key = \(bind: key)").first() != nil else {
                throw WharfError(.notFound, "run '\(runId)' has no tag '\(key)'", field: "key")
            }
            try await db.raw("DELETE FROM run_tags WHERE run_id = \(bind: runId) AND key = \(bind: key)").run()
        }
    }

    /// Every logged value of one metric, in step then time order, paged.
    public func metricHistory(runId: String, key: String, maxResults: Int = 25000, pageToken: String? = nil) async throws -> Page<Metric> {
        let offset = try PageToken.decode(pageToken)
        let limit = try Self.limit(maxResults, most: 100_000)
        return try await store.withDatabase { db in
            guard try await db.raw("SELECT run_id FROM runs WHERE run_id = \(bind: runId)").first() != nil else {
                throw Self.runNotFound(runId)
            }
            let rows = try await db.raw("""
                SELECT key, value, is_nan, timestamp, step FROM run_metrics WHERE run_id = \(bind: runId) AND key = \(bind: key)
                ORDER BY step, timestamp, value LIMIT \(literal: limit + 1) OFFSET \(literal: offset)
                """).all()
            let items = try rows.prefix(limit).map(Self.metric)
            return Page(items: items, nextPageToken: rows.count > limit ? PageToken.encode(offset + limit) : nil)
        }
    }

    /// Records data sets a run read; logging the same (name, digest) again is a no-op.
    public func logInputs(runId: String, datasets: [DatasetInput]) async throws {
        for (i, input) in datasets.enumerated() {
            guard !input.dataset.name.isEmpty else { throw WharfError.invalid("datasets[\(i)].dataset.name", "a dataset needs a name") }
            guard !input.dataset.digest.isEmpty else { throw WharfError.invalid("datasets[\(i)].dataset.digest", "a dataset needs a digest") }
        }
        try await store.transaction { db in
            _ = try await Self.activeRun(runId, db: db)
            for input in datasets {
                let d = input.dataset
                let context = input.tags.first(where: { $0.key == "mlflow.data.context" })?.value
                try await db.raw("""
                    INSERT INTO run_inputs (run_id, name, digest, source_type, source, dataset_schema, profile, context)
                    VALUES (\(bind: runId), \(bind: d.name), \(bind: d.digest), \(bind: d.sourceType), \(bind: d.source), \(bind: d.schema), \(bind: d.profile), \(bind: context))
                    ON CONFLICT (run_id, name, digest) DO NOTHING
                    """).run()
                var unique: [String: String] = [:]
                for tag in input.tags { unique[tag.key] = tag.value }
                guard !unique.isEmpty else { continue }
                let values = unique.sorted { $0.key < $1.key }.map { t -> SQLQueryString in
                    "(\(bind: runId), \(bind: d.name), \(bind: d.digest), \(bind: t.key), \(bind: t.value))"
                }
                try await db.raw("""
                    INSERT INTO run_input_tags (run_id, name, digest, key, value) VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (run_id, name, digest, key) DO NOTHING
                    """).run()
            }
        }
    }

    /// Records logged models a run produced.
    public func logOutputs(runId: String, models: [ModelOutput]) async throws {
        try await store.transaction { db in
            _ = try await Self.activeRun(runId, db: db)
            for model in models {
                try await db.raw("""
                    INSERT INTO run_outputs (run_id, model_id, step) VALUES (\(bind: runId), \(bind: model.modelId), \(bind: model.step))
                    ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step
                    """).run()
            }
        }
    }

    /// Searches runs of some experiments with MLflow's filter grammar, translated to SQL.
    public func searchRuns(
        experimentIds: [String], filter: String = "", view: ViewType = .activeOnly,
        maxResults: Int = 1000, orderBy: [String] = [], pageToken: String? = nil
    ) async throws -> Page<Run> {
        let parsed = try RunFilter.parse(filter)
        let orders = try orderBy.enumerated().map { try RunOrder.parse($0.element, field: "order_by[\($0.offset)]") }
        let offset = try PageToken.decode(pageToken)
        let limit = try Self.limit(maxResults)
        guard !experimentIds.isEmpty else { return Page(items: [], nextPageToken: nil) }
        let backend = self.backend
        return try await store.withDatabase { db in
            let ids: [any Encodable & Sendable] = experimentIds
            let stages: [any Encodable & Sendable] = view.stages
            let plan = RunSearchSQL(filter: parsed, orders: orders, backend: backend)
            var query: SQLQueryString = "SELECT r.* FROM runs r"
            for join in plan.joins { query += " \(join)" }
            query += " WHERE r.experiment_id IN (\(binds: ids)) AND r.lifecycle_stage IN (\(binds: stages))"
            for condition in plan.conditions { query += " AND \(condition)" }
            query += " ORDER BY \(plan.sorts.joined(separator: ", ")) LIMIT \(literal: limit + 1) OFFSET \(literal: offset)"
            let rows = try await db.raw(query).all()
            let infos = try rows.prefix(limit).map(Self.runInfo)
            let runs = try await Self.loadRuns(infos, db: db)
            return Page(items: runs, nextPageToken: rows.count > limit ? PageToken.encode(offset + limit) : nil)
        }
    }

    // MARK: row helpers

    /// MLflow's wording, which clients match on.
    static func runNotFound(_ runId: String, field: String = "run_id") -> WharfError {
        WharfError(.notFound, "Run '\(runId)' not found", field: field)
    }

    static func activeRun(_ runId: String, db: any SQLDatabase) async throws -> String {
        guard let row = try await db.raw("SELECT lifecycle_stage FROM runs WHERE run_id = \(bind: runId)").first() else {
            throw Self.runNotFound(runId)
        }
        guard try row.decode(column: "lifecycle_stage", as: String.self) == "active" else {
            throw WharfError.invalid("run_id", "run '\(runId)' is deleted: restore it before changing it")
        }
        return runId
    }

    static func runInfo(_ row: any SQLRow) throws -> RunInfo {
        let id = try row.decode(column: "run_id", as: String.self)
        return RunInfo(
            runId: id, runUuid: id,
            runName: try row.decode(column: "run_name", as: String.self),
            experimentId: try row.decode(column: "experiment_id", as: String.self),
            userId: try row.decode(column: "user_id", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            startTime: try row.decode(column: "start_time", as: Int64?.self),
            endTime: try row.decode(column: "end_time", as: Int64?.self),
            artifactUri: try row.decode(column: "artifact_uri", as: String.self),
            lifecycleStage: try row.decode(column: "lifecycle_stage", as: String.self)
        )
    }

    static func metric(_ row: any SQLRow) throws -> Metric {
        let nan = try row.decode(column: "is_nan", as: Int64.self) != 0
        return Metric(
            key: try row.decode(column: "key", as: String.self),
            value: nan ? .nan : try row.decode(column: "value", as: Double.self),
            timestamp: try row.decode(column: "timestamp", as: Int64.self),
            step: try row.decode(column: "step", as: Int64.self)
        )
    }

    /// Fills in the data, inputs and outputs of many runs with one query per table.
    static func loadRuns(_ infos: [RunInfo], db: any SQLDatabase) async throws -> [Run] {
        guard !infos.isEmpty else { return [] }
        let ids: [any Encodable & Sendable] = infos.map(\.runId)
        var runs: [String: Run] = [:]
        for info in infos {
            runs[info.runId] = Run(info: info, data: RunData(metrics: [], params: [], tags: []), inputs: RunInputs(datasetInputs: []), outputs: RunOutputs(modelOutputs: []))
        }
        for row in try await db.raw("SELECT run_id, key, value, is_nan, timestamp, step FROM run_latest_metrics WHERE run_id IN (\(binds: ids)) ORDER BY key").all() {
            runs[try row.decode(column: "run_id", as: String.self)]?.data.metrics.append(try metric(row))
        }
        for row in try await db.raw("SELECT run_id, key, value FROM run_params WHERE run_id IN (\(binds: ids)) ORDER BY key").all() {
            let t = try tag(row)
            runs[try row.decode(column: "run_id", as: String.self)]?.data.params.append(Param(key: t.key, value: t.value))
        }
        for row in try await db.raw("SELECT run_id, key, value FROM run_tags WHERE run_id IN (\(binds: ids)) ORDER BY key").all() {
            let id = try row.decode(column: "run_id", as: String.self)
            let t = try tag(row)
            runs[id]?.data.tags.append(t)
            if t.key == "mlflow.runName" { runs[id]?.info.runName = t.value }
        }
        for row in try await db.raw("SELECT * FROM run_inputs WHERE run_id IN (\(binds: ids)) ORDER BY name, digest").all() {
            let dataset = Dataset(
                name: try row.decode(column: "name", as: String.self),
                digest: try row.decode(column: "digest", as: String.self),
                sourceType: try row.decode(column: "source_type", as: String.self),
                source: try row.decode(column: "source", as: String.self),
                schema: try row.decode(column: "dataset_schema", as: String?.self),
                profile: try row.decode(column: "profile", as: String?.self)
            )
            runs[try row.decode(column: "run_id", as: String.self)]?.inputs.datasetInputs.append(DatasetInput(tags: [], dataset: dataset))
        }
        for row in try await db.raw("SELECT run_id, name, digest, key, value FROM run_input_tags WHERE run_id IN (\(binds: ids)) ORDER BY key").all() {
            let id = try row.decode(column: "run_id", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            let digest = try row.decode(column: "digest", as: String.self)
            guard let at = runs[id]?.inputs.datasetInputs.firstIndex(where: { $0.dataset.name == name && $0.dataset.digest == digest }) else { continue }
            runs[id]?.inputs.datasetInputs[at].tags.append(try tag(row))
        }
        for row in try await db.raw("SELECT run_id, model_id, step FROM run_outputs WHERE run_id IN (\(binds: ids)) ORDER BY model_id").all() {
            let output = ModelOutput(modelId: try row.decode(column: "model_id", as: String.self), step: try row.decode(column: "step", as: Int64.self))
            runs[try row.decode(column: "run_id", as: String.self)]?.outputs.modelOutputs.append(output)
        }
        return infos.compactMap { runs[$0.runId] }
    }

    /// Inserts params; a key already set to another value is refused, naming the key.
    static func insertParams(runId: String, _ params: [Param], db: any SQLDatabase) async throws {
        guard !params.isEmpty else { return }
        var wanted: [String: String] = [:]
        for p in params {
            if let earlier = wanted[p.key], earlier != p.value {
                throw WharfError.invalid("params", "param '\(p.key)' is given twice with different values ('\(earlier)' and '\(p.value)')")
            }
            wanted[p.key] = p.value
        }
        let keys: [any Encodable & Sendable] = Array(wanted.keys)
        for row in try await db.raw("SELECT key, value FROM run_params WHERE run_id = \(bind: runId) AND key IN (\(binds: keys))").all() {
            let existing = try tag(row)
            if wanted[existing.key] != existing.value {
                throw WharfError(
                    .conflict,
                    "param '\(existing.key)' of run '\(runId)' is already '\(existing.value)'; params cannot change (tried '\(wanted[existing.key] ?? "")')",
                    field: "params.\(existing.key)",
                    reason: .immutable
                )
            }
            wanted[existing.key] = nil
        }
        guard !wanted.isEmpty else { return }
        let values = wanted.sorted { $0.key < $1.key }.map { p -> SQLQueryString in "(\(bind: runId), \(bind: p.key), \(bind: p.value))" }
        try await db.raw("INSERT INTO run_params (run_id, key, value) VALUES \(values.joined(separator: ", "))").run()
    }

    /// Appends metric values to the history and moves each key's latest value (highest step, then time, then value).
    /// The history insert is one statement whose run id and keys are bound once each; the latest values are
    /// worked out here, so the upsert touches each key of the batch once. SQLite skips an identical value with
    /// OR IGNORE: no constraint can then abort the statement midway, so SQLite keeps no statement journal
    /// (no value here is ever NULL, so OR IGNORE skips exactly what ON CONFLICT DO NOTHING would).
    static func insertMetrics(runId: String, _ metrics: [Metric], backend: MetadataStore.Backend, db: any SQLDatabase) async throws {
        guard !metrics.isEmpty else { return }
        var history = NumberedStatement(database: db, reservingCapacity: 160 + metrics.count * 56)
        let run = history.bind(runId)
        var keys: [String: String] = [:]
        var latest: [String: Metric] = [:]
        history.append(backend == .sqlite ? "INSERT OR IGNORE INTO" : "INSERT INTO")
        history.append(" run_metrics (run_id, key, value, is_nan, timestamp, step) VALUES ")
        for (i, m) in metrics.enumerated() {
            let key: String
            if let known = keys[m.key] {
                key = known
            } else {
                key = history.bind(m.key)
                keys[m.key] = key
            }
            history.append(i == 0 ? "(" : ", (")
            history.append(run)
            history.append(", ")
            history.append(key)
            history.append(", ")
            history.append(number: m.value)
            history.append(m.value.isNaN ? ", 1, " : ", 0, ")
            history.append(integer: m.timestamp)
            history.append(", ")
            history.append(integer: m.step)
            history.append(")")
            if let current = latest[m.key] {
                if Self.isLater(m, than: current) { latest[m.key] = m }
            } else {
                latest[m.key] = m
            }
        }
        if backend == .postgres {
            history.append(" ON CONFLICT (run_id, key, step, timestamp, value, is_nan) DO NOTHING")
        }
        try await db.execute(sql: history) { _ in }
        let upserts = latest.values.sorted { $0.key < $1.key }.map { m -> SQLQueryString in
            "(\(bind: runId), \(bind: m.key), \(Self.number(m.value)), \(literal: m.value.isNaN ? 1 : 0), \(literal: m.timestamp), \(literal: m.step))"
        }
        try await db.raw("""
            INSERT INTO run_latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES \(upserts.joined(separator: ", "))
            ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step
            WHERE excluded.step > run_latest_metrics.step
               OR (excluded.step = run_latest_metrics.step AND excluded.timestamp > run_latest_metrics.timestamp)
               OR (excluded.step = run_latest_metrics.step AND excluded.timestamp = run_latest_metrics.timestamp AND excluded.value > run_latest_metrics.value)
            """).run()
    }

    /// MLflow's order of a key's values: by step, then timestamp, then value.
    static func isLater(_ m: Metric, than current: Metric) -> Bool {
        if m.step != current.step { return m.step > current.step }
        if m.timestamp != current.timestamp { return m.timestamp > current.timestamp }
        return m.value > current.value
    }

    /// A metric value in SQL: finite numbers as numeric literals, infinities bound, NaN stored as 0 beside its
    /// `is_nan` flag.
    static func number(_ value: Double) -> SQLQueryString {
        if value.isNaN { return "0" }
        if value.isFinite { return "\(literal: value)" }
        return "\(bind: value)"
    }

    /// Sets tags (last value wins); `mlflow.runName` also renames the run.
    static func upsertTags(runId: String, _ tags: [Tag], db: any SQLDatabase) async throws {
        guard !tags.isEmpty else { return }
        var unique: [String: String] = [:]
        for t in tags { unique[t.key] = t.value }
        let values = unique.sorted { $0.key < $1.key }.map { t -> SQLQueryString in "(\(bind: runId), \(bind: t.key), \(bind: t.value))" }
        try await db.raw("""
            INSERT INTO run_tags (run_id, key, value) VALUES \(values.joined(separator: ", "))
            ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value
            """).run()
        if let name = unique["mlflow.runName"] {
            try await db.raw("UPDATE runs SET run_name = \(bind: name) WHERE run_id = \(bind: runId)").run()
        }
    }

    // MARK: validation

    static func limit(_ maxResults: Int, most: Int = TrackingLimits.maxResults) throws -> Int {
        guard maxResults > 0, maxResults <= most else {
            throw WharfError.invalid("max_results", "max_results must be between 1 and \(most); got \(maxResults)")
        }
        return maxResults
    }

    static func validate(key: String, field: String) throws {
        guard !key.isEmpty else { throw WharfError.invalid(field, "\(field) has an empty key") }
        // Counting characters walks grapheme clusters; a key of at most that many UTF-8 bytes cannot be longer.
        guard key.utf8.count <= TrackingLimits.maxKeyLength || key.count <= TrackingLimits.maxKeyLength else {
            throw WharfError.invalid(field, "key '\(key.prefix(40))...' is longer than \(TrackingLimits.maxKeyLength) characters")
        }
        guard !hasDotSegmentOrLeadingSlash(key) else {
            throw WharfError.invalid(field, "key '\(key)' is not a valid name (no '..', '.' segments or leading '/')")
        }
    }

    /// True for `/x`, `.`, `..`, `a/./b`, `a/..`: keys that would name another path when used as one.
    static func hasDotSegmentOrLeadingSlash(_ key: String) -> Bool {
        var first = true
        var dots = 0
        var length = 0
        for byte in key.utf8 {
            if byte == UInt8(ascii: "/") {
                if first && length == 0 { return true }
                if length > 0 && length == dots && dots <= 2 { return true }
                first = false
                dots = 0
                length = 0
            } else {
                if byte == UInt8(ascii: ".") { dots += 1 }
                length += 1
            }
        }
        return length > 0 && length == dots && dots <= 2
    }

    static func validate(tags: [Tag], field: String) throws {
        for (i, t) in tags.enumerated() {
            try validate(key: t.key, field: "\(field)[\(i)].key")
            guard t.value.count <= TrackingLimits.maxTagValueLength else {
                throw WharfError.invalid("\(field)[\(i)].value", "tag '\(t.key)' is longer than \(TrackingLimits.maxTagValueLength) characters")
            }
        }
    }

    static func validateBatch(metrics: [Metric], params: [Param], tags: [Tag]) throws {
        guard metrics.count <= TrackingLimits.maxMetricsPerBatch else {
            throw WharfError.invalid("metrics", "a batch holds at most \(TrackingLimits.maxMetricsPerBatch) metrics; got \(metrics.count)")
        }
        guard params.count <= TrackingLimits.maxParamsPerBatch else {
            throw WharfError.invalid("params", "a batch holds at most \(TrackingLimits.maxParamsPerBatch) params; got \(params.count)")
        }
        guard tags.count <= TrackingLimits.maxTagsPerBatch else {
            throw WharfError.invalid("tags", "a batch holds at most \(TrackingLimits.maxTagsPerBatch) tags; got \(tags.count)")
        }
        guard metrics.count + params.count + tags.count <= TrackingLimits.maxEntitiesPerBatch else {
            throw WharfError.invalid("body", "a batch holds at most \(TrackingLimits.maxEntitiesPerBatch) metrics, params and tags together")
        }
        // A batch repeats a few keys many times: each distinct key is checked once.
        var checked: Set<String> = []
        for (i, m) in metrics.enumerated() where !checked.contains(m.key) {
            try validate(key: m.key, field: "metrics[\(i)].key")
            checked.insert(m.key)
        }
        for (i, p) in params.enumerated() {
            try validate(key: p.key, field: "params[\(i)].key")
            guard p.value.count <= TrackingLimits.maxParamValueLength else {
                throw WharfError.invalid("params[\(i)].value", "param '\(p.key)' is longer than \(TrackingLimits.maxParamValueLength) characters")
            }
        }
        try validate(tags: tags, field: "tags")
    }
}
