import Foundation
import SQLKit

/// Registered models, their versions, aliases and stages over the metadata store.
public final class RegistryService: Sendable {
    let store: MetadataStore
    /// Where creation and update times come from (a `ManualClock` in tests).
    let clock: any PlatformClock

    public init(store: MetadataStore, clock: any PlatformClock = SystemWallClock()) {
        self.clock = clock
        self.store = store
    }

    // MARK: registered models

    public func createRegisteredModel(name: String, description: String = "", tags: [Tag] = []) async throws -> RegisteredModel {
        try Self.validate(name: name)
        try TrackingService.validate(tags: tags, field: "tags")
        let now = clock.milliseconds()
        try await store.transaction { db in
            // ON CONFLICT, not a look first: two creators of one name at once get one model and one refusal.
            guard try await db.raw("""
                INSERT INTO registered_models (name, description, creation_time, last_updated_time)
                VALUES (\(bind: name), \(bind: description), \(bind: now), \(bind: now))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """).first() != nil else {
                throw WharfError(.conflict, "registered model '\(name)' already exists", field: "name", reason: .alreadyExists)
            }
            for t in tags {
                try await db.raw("INSERT INTO registered_model_tags (name, key, value) VALUES (\(bind: name), \(bind: t.key), \(bind: t.value))").run()
            }
        }
        return try await getRegisteredModel(name)
    }

    public func getRegisteredModel(_ name: String) async throws -> RegisteredModel {
        try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM registered_models WHERE name = \(bind: name)").first() else {
                throw WharfError(.notFound, "registered model '\(name)' does not exist", field: "name")
            }
            return try await Self.registeredModel(row, db: db)
        }
    }

    /// Registered models matching MLflow's registry filter (`name LIKE 'lead%' AND tags.`team` = 'growth'`),
    /// in `order_by` order (name, then last update), by name by default; prompts only when the filter asks.
    public func searchRegisteredModels(filter: String? = nil, orderBy: [String] = [], maxResults: Int = 100, pageToken: String? = nil) async throws -> Page<RegisteredModel> {
        let offset = try PageToken.decode(pageToken)
        let limit = try TrackingService.limit(maxResults)
        let search = try RegistrySearch.parse(.models, filter: filter, orderBy: orderBy)
        let backend = store.backend
        return try await store.withDatabase { db in
            var query: SQLQueryString = "SELECT m.* FROM registered_models m WHERE 1 = 1"
            for condition in search.conditions(backend: backend) { query += " AND \(condition)" }
            query += " ORDER BY \(unsafeRaw: search.sorts.joined(separator: ", ")) LIMIT \(literal: limit + 1) OFFSET \(literal: offset)"
            let rows = try await db.raw(query).all()
            var items: [RegisteredModel] = []
            for row in rows.prefix(limit) { items.append(try await Self.registeredModel(row, db: db)) }
            return Page(items: items, nextPageToken: rows.count > limit ? PageToken.encode(offset + limit) : nil)
        }
    }

    /// Renames a registered model with its versions, tags and aliases, in one transaction.
    public func renameRegisteredModel(_ name: String, to newName: String) async throws -> RegisteredModel {
        try Self.validate(name: newName, field: "new_name")
        let now = clock.milliseconds()
        try await store.transaction { db in
            // Touching the row first holds it, so a concurrent rename or new version of the same model waits.
            guard try await db.raw("UPDATE registered_models SET last_updated_time = \(bind: now) WHERE name = \(bind: name) RETURNING name").first() != nil else {
                throw Self.modelNotFound(name)
            }
            guard newName != name else { return }
            guard try await db.raw("""
                INSERT INTO registered_models (name, description, creation_time, last_updated_time, last_version)
                SELECT \(bind: newName), description, creation_time, \(bind: now), last_version FROM registered_models WHERE name = \(bind: name)
                ON CONFLICT (name) DO NOTHING RETURNING name
                """).first() != nil else {
                throw WharfError(.conflict, "registered model '\(newName)' already exists", field: "new_name", reason: .alreadyExists)
            }
            for table in ["registered_model_tags", "registered_model_aliases", "model_version_tags"] {
                try await db.raw("UPDATE \(unsafeRaw: table) SET name = \(bind: newName) WHERE name = \(bind: name)").run()
            }
            try await db.raw("UPDATE model_versions SET name = \(bind: newName), last_updated_time = \(bind: now) WHERE name = \(bind: name)").run()
            try await db.raw("DELETE FROM registered_models WHERE name = \(bind: name)").run()
        }
        return try await getRegisteredModel(newName)
    }

    /// Removes a tag of a registered model; a tag it does not have is no error, as on `mlflow server`.
    public func deleteRegisteredModelTag(_ name: String, key: String) async throws {
        try await store.transaction { db in
            try await Self.requireModel(name, db: db)
            try await db.raw("DELETE FROM registered_model_tags WHERE name = \(bind: name) AND key = \(bind: key)").run()
        }
    }

    public func updateRegisteredModel(_ name: String, description: String) async throws -> RegisteredModel {
        let now = clock.milliseconds()
        try await store.transaction { db in
            try await Self.requireModel(name, db: db)
            try await db.raw("UPDATE registered_models SET description = \(bind: description), last_updated_time = \(bind: now) WHERE name = \(bind: name)").run()
        }
        return try await getRegisteredModel(name)
    }

    /// Deletes a registered model and its versions; refused while any alias points into it.
    public func deleteRegisteredModel(_ name: String) async throws {
        try await store.transaction { db in
            try await Self.requireModel(name, db: db)
            if let row = try await db.raw("SELECT alias FROM registered_model_aliases WHERE name = \(bind: name)").first() {
                let alias = try row.decode(column: "alias", as: String.self)
                throw WharfError(.conflict, "registered model '\(name)' still has alias '\(alias)': remove its aliases first", field: "name")
            }
            try await db.raw("DELETE FROM model_version_tags WHERE name = \(bind: name)").run()
            try await db.raw("DELETE FROM model_versions WHERE name = \(bind: name)").run()
            try await db.raw("DELETE FROM registered_model_tags WHERE name = \(bind: name)").run()
            try await db.raw("DELETE FROM registered_models WHERE name = \(bind: name)").run()
        }
    }

    public func setRegisteredModelTag(_ name: String, tag: Tag) async throws {
        try TrackingService.validate(tags: [tag], field: "key")
        try await store.transaction { db in
            try await Self.requireModel(name, db: db)
            try await db.raw("""
                INSERT INTO registered_model_tags (name, key, value) VALUES (\(bind: name), \(bind: tag.key), \(bind: tag.value))
                ON CONFLICT (name, key) DO UPDATE SET value = excluded.value
                """).run()
        }
    }

    // MARK: versions

    /// Registers a new version (numbered 1, 2, ...) from a source such as `runs:/ID/model` or `models:/m-ID`.
    public func createModelVersion(
        name: String, source: String, runId: String?, description: String = "", tags: [Tag] = [], modelId: String? = nil
    ) async throws -> ModelVersion {
        guard !source.isEmpty else { throw WharfError.invalid("source", "a model version needs a source") }
        try TrackingService.validate(tags: tags, field: "tags")
        let now = clock.milliseconds()
        let backend = store.backend
        let version: Int64 = try await store.transaction { db in
            let next = try await Self.claimVersionNumber(name, now: now, backend: backend, db: db)
            var source = source
            var resolvedModelId = modelId.flatMap { $0.isEmpty ? nil : $0 }
            var sourceRunId = runId.flatMap { $0.isEmpty ? nil : $0 }
            let location: String
            if let referenced = try await Self.referencedVersion(source: source, db: db) {
                // A version registered from another version (`models:/name/Production`) points at that version's
                // number and artifacts and inherits its run and logged model, as on `mlflow server`.
                source = "models:/\(referenced.name)/\(referenced.version)"
                location = referenced.storageLocation
                if sourceRunId == nil, !referenced.runId.isEmpty { sourceRunId = referenced.runId }
                if resolvedModelId == nil { resolvedModelId = referenced.modelId }
            } else {
                location = try await Self.storageLocation(source: source, runId: runId, modelId: resolvedModelId, db: db)
            }
            if resolvedModelId == nil, source.hasPrefix("models:/m-") { resolvedModelId = String(source.dropFirst("models:/".count)) }
            if sourceRunId == nil, let resolvedModelId {
                // A version registered from a logged model inherits the model's run, as in MLflow.
                sourceRunId = try await db.raw("SELECT source_run_id FROM logged_models WHERE model_id = \(bind: resolvedModelId)").first()?
                    .decode(column: "source_run_id", as: String?.self)
            }
            try await db.raw("""
                INSERT INTO model_versions (name, version, description, creation_time, last_updated_time, source, run_id, model_id, storage_location, status, current_stage)
                VALUES (\(bind: name), \(bind: next), \(bind: description), \(bind: now), \(bind: now), \(bind: source), \(bind: sourceRunId),
                        \(bind: resolvedModelId), \(bind: location), 'READY', 'None')
                """).run()
            for t in tags {
                try await db.raw("INSERT INTO model_version_tags (name, version, key, value) VALUES (\(bind: name), \(bind: next), \(bind: t.key), \(bind: t.value))").run()
            }
            return next
        }
        return try await getModelVersion(name: name, version: String(version))
    }

    public func getModelVersion(name: String, version: String) async throws -> ModelVersion {
        let number = try Self.versionNumber(version)
        return try await store.withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM model_versions WHERE name = \(bind: name) AND version = \(bind: number)").first() else {
                throw WharfError(.notFound, "model version '\(name)' version \(version) does not exist", field: "version")
            }
            return try await Self.modelVersion(row, db: db)
        }
    }

    /// Versions matching MLflow's registry filter (`name`, `run_id`, `source_path`, `version_number`, tags), in
    /// `order_by` order; by default the last updated first, then by name and newest version.
    public func searchModelVersions(filter: String? = nil, orderBy: [String] = [], maxResults: Int = 1000, pageToken: String? = nil) async throws -> Page<ModelVersion> {
        let offset = try PageToken.decode(pageToken)
        let limit = try TrackingService.limit(maxResults)
        let search = try RegistrySearch.parse(.versions, filter: filter, orderBy: orderBy)
        let backend = store.backend
        return try await store.withDatabase { db in
            var query: SQLQueryString = "SELECT v.* FROM model_versions v WHERE 1 = 1"
            for condition in search.conditions(backend: backend) { query += " AND \(condition)" }
            query += " ORDER BY \(unsafeRaw: search.sorts.joined(separator: ", ")) LIMIT \(literal: limit + 1) OFFSET \(literal: offset)"
            let rows = try await db.raw(query).all()
            var items: [ModelVersion] = []
            for row in rows.prefix(limit) { items.append(try await Self.modelVersion(row, db: db)) }
            return Page(items: items, nextPageToken: rows.count > limit ? PageToken.encode(offset + limit) : nil)
        }
    }

    public func updateModelVersion(name: String, version: String, description: String) async throws -> ModelVersion {
        let number = try Self.versionNumber(version)
        let now = clock.milliseconds()
        try await store.transaction { db in
            try await Self.requireVersion(name, number, db: db)
            try await db.raw("UPDATE model_versions SET description = \(bind: description), last_updated_time = \(bind: now) WHERE name = \(bind: name) AND version = \(bind: number)").run()
        }
        return try await getModelVersion(name: name, version: version)
    }

    /// Deletes a version; refused while an alias points at it, so its artifacts stay loadable.
    public func deleteModelVersion(name: String, version: String) async throws {
        let number = try Self.versionNumber(version)
        try await store.transaction { db in
            try await Self.requireVersion(name, number, db: db)
            if let row = try await db.raw("SELECT alias FROM registered_model_aliases WHERE name = \(bind: name) AND version = \(bind: number)").first() {
                let alias = try row.decode(column: "alias", as: String.self)
                throw WharfError(.conflict, "version \(version) of '\(name)' is aliased as '\(alias)': move or remove the alias first", field: "version")
            }
            try await db.raw("DELETE FROM model_version_tags WHERE name = \(bind: name) AND version = \(bind: number)").run()
            try await db.raw("DELETE FROM model_versions WHERE name = \(bind: name) AND version = \(bind: number)").run()
        }
    }

    public func setModelVersionTag(name: String, version: String, tag: Tag) async throws {
        let number = try Self.versionNumber(version)
        try TrackingService.validate(tags: [tag], field: "key")
        try await store.transaction { db in
            try await Self.requireVersion(name, number, db: db)
            try await db.raw("""
                INSERT INTO model_version_tags (name, version, key, value) VALUES (\(bind: name), \(bind: number), \(bind: tag.key), \(bind: tag.value))
                ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value
                """).run()
        }
    }

    /// Removes a tag of a version; a tag it does not have is no error, as on `mlflow server`.
    public func deleteModelVersionTag(name: String, version: String, key: String) async throws {
        let number = try Self.versionNumber(version)
        try await store.transaction { db in
            try await Self.requireVersion(name, number, db: db)
            try await db.raw("DELETE FROM model_version_tags WHERE name = \(bind: name) AND version = \(bind: number) AND key = \(bind: key)").run()
        }
    }

    /// Moves a version to a stage; with `archiveExisting`, other versions in that stage move to Archived in the same transaction.
    public func transitionStage(name: String, version: String, stage: ModelStage, archiveExisting: Bool) async throws -> ModelVersion {
        let number = try Self.versionNumber(version)
        let now = clock.milliseconds()
        try await store.transaction { db in
            try await Self.requireVersion(name, number, db: db)
            if archiveExisting, stage == .staging || stage == .production {
                try await db.raw("""
                    UPDATE model_versions SET current_stage = 'Archived', last_updated_time = \(bind: now)
                    WHERE name = \(bind: name) AND current_stage = \(bind: stage.rawValue) AND version <> \(bind: number)
                    """).run()
            }
            try await db.raw("""
                UPDATE model_versions SET current_stage = \(bind: stage.rawValue), last_updated_time = \(bind: now)
                WHERE name = \(bind: name) AND version = \(bind: number)
                """).run()
        }
        return try await getModelVersion(name: name, version: version)
    }

    /// The newest version in each requested stage (all stages when none are given).
    public func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion] {
        let wanted = try stages.map { try ModelStage.parse($0, field: "stages").rawValue }
        return try await store.withDatabase { db in
            try await Self.requireModel(name, db: db)
            return try await Self.latestVersions(name, stages: wanted, db: db)
        }
    }

    /// Where a client downloads a version's artifacts from.
    public func downloadURI(name: String, version: String) async throws -> String {
        try await getModelVersion(name: name, version: version).storageLocation
    }

    /// A version's lineage: its run and the data sets that run logged.
    public func lineage(name: String, version: String) async throws -> ModelLineage {
        let mv = try await getModelVersion(name: name, version: version)
        let runId = mv.runId.isEmpty ? nil : mv.runId
        var datasets: [Dataset] = []
        if let runId {
            datasets = try await store.withDatabase { db in
                try await db.raw("SELECT * FROM run_inputs WHERE run_id = \(bind: runId) ORDER BY name").all().map { row in
                    Dataset(
                        name: try row.decode(column: "name", as: String.self),
                        digest: try row.decode(column: "digest", as: String.self),
                        sourceType: try row.decode(column: "source_type", as: String.self),
                        source: try row.decode(column: "source", as: String.self),
                        schema: try row.decode(column: "dataset_schema", as: String?.self),
                        profile: nil
                    )
                }
            }
        }
        return ModelLineage(
            name: name, version: version, runId: runId, modelId: mv.modelId, source: mv.source,
            storageLocation: mv.storageLocation, datasets: datasets, signature: nil)
    }

    // MARK: aliases

    /// Points an alias at a version; an alias already elsewhere moves in one statement, so readers see old or new, never none.
    public func setAlias(name: String, alias: String, version: String) async throws {
        try Self.validate(alias: alias)
        let number = try Self.versionNumber(version)
        try await store.transaction { db in
            try await Self.requireVersion(name, number, db: db)
            try await db.raw("""
                INSERT INTO registered_model_aliases (name, alias, version) VALUES (\(bind: name), \(bind: alias), \(bind: number))
                ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version
                """).run()
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await store.transaction { db in
            try await Self.requireModel(name, db: db)
            guard try await db.raw("SELECT alias FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)").first() != nil else {
                throw WharfError(.notFound, "registered model '\(name)' has no alias '\(alias)'", field: "alias")
            }
            try await db.raw("DELETE FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)").run()
        }
    }

    public func versionByAlias(name: String, alias: String) async throws -> ModelVersion {
        let version: Int64 = try await store.withDatabase { db in
            try await Self.requireModel(name, db: db)
            guard let row = try await db.raw("SELECT version FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)").first() else {
                throw WharfError(.notFound, "registered model '\(name)' has no alias '\(alias)'", field: "alias")
            }
            return try row.decode(column: "version", as: Int64.self)
        }
        return try await getModelVersion(name: name, version: String(version))
    }

    /// True when an artifact path lies inside the artifacts of a version some alias points at.
    public func isProtected(artifactPath: String) async throws -> Bool {
        try await store.withDatabase { db in
            let rows = try await db.raw("""
                SELECT v.storage_location FROM model_versions v
                JOIN registered_model_aliases a ON a.name = v.name AND a.version = v.version
                """).all()
            for row in rows {
                let location = try row.decode(column: "storage_location", as: String.self)
                guard location.hasPrefix(TrackingService.artifactScheme) else { continue }
                let root = location.dropFirst(TrackingService.artifactScheme.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                let path = artifactPath.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                if path == root || path.hasPrefix(root + "/") || root.hasPrefix(path + "/") || path.isEmpty { return true }
            }
            return false
        }
    }

    // MARK: helpers

    static func validate(name: String, field: String = "name") throws {
        guard !name.isEmpty, name.count <= 256 else { throw WharfError.invalid(field, "a registered model needs a name of 1 to 256 characters") }
        guard !name.contains("/"), !name.contains(":") else { throw WharfError.invalid(field, "registered model name '\(name)' must not contain '/' or ':'") }
    }

    static func modelNotFound(_ name: String) -> WharfError {
        WharfError(.notFound, "registered model '\(name)' does not exist", field: "name")
    }

    /// The next version number of a model, claimed from its row: the UPDATE holds the row until commit, so
    /// concurrent registrations (on any server sharing the database) queue and each gets its own number.
    static func claimVersionNumber(_ name: String, now: Int64, backend: MetadataStore.Backend, db: any SQLDatabase) async throws -> Int64 {
        let greatest = TrackingSchema.greatest(backend)
        guard let row = try await db.raw("""
            UPDATE registered_models
            SET last_version = \(unsafeRaw: greatest)(last_version, (SELECT COALESCE(MAX(w.version), 0) FROM model_versions w WHERE w.name = \(bind: name))) + 1,
                last_updated_time = \(bind: now)
            WHERE name = \(bind: name) RETURNING last_version
            """).first() else {
            throw modelNotFound(name)
        }
        return try row.decode(column: "last_version", as: Int64.self)
    }

    /// The version a `models:/NAME/VERSION`, `models:/NAME/STAGE` (any letter case), `models:/NAME/latest` or
    /// `models:/NAME@ALIAS` source names; nil for other sources (`models:/m-ID` is a logged model).
    static func referencedVersion(source: String, db: any SQLDatabase) async throws -> ModelVersion? {
        guard source.hasPrefix("models:/"), !source.hasPrefix("models:/m-") else { return nil }
        let rest = source.dropFirst("models:/".count)
        let row: (any SQLRow)?
        if let at = rest.lastIndex(of: "@"), !rest[..<at].contains("/") {
            let name = String(rest[..<at]), alias = String(rest[rest.index(after: at)...])
            row = try await db.raw("""
                SELECT v.* FROM model_versions v JOIN registered_model_aliases a ON a.name = v.name AND a.version = v.version
                WHERE a.name = \(bind: name) AND a.alias = \(bind: alias)
                """).first()
            guard row != nil else { throw WharfError(.notFound, "registered model '\(name)' has no alias '\(alias)' (named by source '\(source)')", field: "source") }
        } else {
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw WharfError.invalid("source", "Invalid model version source: '\(source)': use models:/NAME/VERSION, models:/NAME/STAGE or models:/NAME@ALIAS")
            }
            let name = String(parts[0]), selector = String(parts[1])
            if let number = Int64(selector) {
                row = try await db.raw("SELECT * FROM model_versions WHERE name = \(bind: name) AND version = \(bind: number)").first()
            } else if selector.lowercased() == "latest" {
                row = try await db.raw("SELECT * FROM model_versions WHERE name = \(bind: name) ORDER BY version DESC LIMIT 1").first()
            } else {
                let stage = try ModelStage.parse(selector, field: "source").rawValue
                row = try await db.raw("SELECT * FROM model_versions WHERE name = \(bind: name) AND current_stage = \(bind: stage) ORDER BY version DESC LIMIT 1").first()
            }
            guard row != nil else { throw WharfError(.notFound, "no version of registered model '\(name)' matches source '\(source)'", field: "source") }
        }
        return try await modelVersion(row!, db: db)
    }

    static func validate(alias: String) throws {
        guard !alias.isEmpty, alias.count <= 255 else { throw WharfError.invalid("alias", "an alias needs 1 to 255 characters") }
        guard alias.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw WharfError.invalid("alias", "alias '\(alias)' may hold only letters, digits, '_' and '-'")
        }
        guard !(alias.lowercased() == "latest"), !(alias.lowercased().hasPrefix("v") && Int(alias.dropFirst()) != nil) else {
            throw WharfError.invalid("alias", "alias '\(alias)' is reserved")
        }
    }

    static func versionNumber(_ version: String) throws -> Int64 {
        guard let number = Int64(version), number > 0 else {
            throw WharfError.invalid("version", "version must be a positive integer; got '\(version)'")
        }
        return number
    }

    static func requireModel(_ name: String, db: any SQLDatabase) async throws {
        guard try await db.raw("SELECT name FROM registered_models WHERE name = \(bind: name)").first() != nil else {
            throw modelNotFound(name)
        }
    }

    static func requireVersion(_ name: String, _ version: Int64, db: any SQLDatabase) async throws {
        try await requireModel(name, db: db)
        guard try await db.raw("SELECT version FROM model_versions WHERE name = \(bind: name) AND version = \(bind: version)").first() != nil else {
            throw WharfError(.notFound, "model version '\(name)' version \(version) does not exist", field: "version")
        }
    }

    /// Resolves `runs:/ID/path` and `models:/m-ID` to the artifact location they name (a run Wharf does not
    /// hold leaves the source as its location).
    static func storageLocation(source: String, runId: String?, modelId: String?, db: any SQLDatabase) async throws -> String {
        if source.hasPrefix("runs:/") {
            let rest = source.dropFirst("runs:/".count)
            let parts = rest.split(separator: "/", maxSplits: 1)
            guard let id = parts.first else { throw WharfError.invalid("source", "source '\(source)' names no run") }
            // A run this server does not know is accepted, as by `mlflow server`: the client resolves the URI itself.
            guard let row = try await db.raw("SELECT artifact_uri FROM runs WHERE run_id = \(bind: String(id))").first() else {
                return source
            }
            let root = try row.decode(column: "artifact_uri", as: String.self)
            return parts.count > 1 ? "\(root)/\(parts[1])" : root
        }
        if source.hasPrefix("models:/m-") || modelId != nil {
            let id = modelId ?? String(source.dropFirst("models:/".count))
            guard let row = try await db.raw("SELECT artifact_location FROM logged_models WHERE model_id = \(bind: id) AND lifecycle_stage = 'active'").first() else {
                throw WharfError(.notFound, "logged model '\(id)' named by source '\(source)' does not exist", field: "source")
            }
            return try row.decode(column: "artifact_location", as: String.self)
        }
        return source
    }

    static func latestVersions(_ name: String, stages: [String], db: any SQLDatabase) async throws -> [ModelVersion] {
        var query: SQLQueryString = """
            SELECT v.* FROM model_versions v WHERE v.name = \(bind: name) AND v.version = (
                SELECT MAX(w.version) FROM model_versions w WHERE w.name = v.name AND w.current_stage = v.current_stage)
            """
        if !stages.isEmpty {
            let binds: [any Encodable & Sendable] = stages
            query += " AND v.current_stage IN (\(binds: binds))"
        }
        query += " ORDER BY v.version"
        var versions: [ModelVersion] = []
        for row in try await db.raw(query).all() { versions.append(try await modelVersion(row, db: db)) }
        return versions
    }

    static func registeredModel(_ row: any SQLRow, db: any SQLDatabase) async throws -> RegisteredModel {
        let name = try row.decode(column: "name", as: String.self)
        let tags = try await db.raw("SELECT key, value FROM registered_model_tags WHERE name = \(bind: name) ORDER BY key").all().map(TrackingService.tag)
        let aliases = try await db.raw("SELECT alias, version FROM registered_model_aliases WHERE name = \(bind: name) ORDER BY alias").all().map { r in
            RegisteredModelAlias(alias: try r.decode(column: "alias", as: String.self), version: String(try r.decode(column: "version", as: Int64.self)))
        }
        return RegisteredModel(
            name: name,
            creationTimestamp: try row.decode(column: "creation_time", as: Int64.self),
            lastUpdatedTimestamp: try row.decode(column: "last_updated_time", as: Int64.self),
            description: try row.decode(column: "description", as: String.self),
            latestVersions: try await latestVersions(name, stages: [], db: db),
            tags: tags,
            aliases: aliases
        )
    }

    static func modelVersion(_ row: any SQLRow, db: any SQLDatabase) async throws -> ModelVersion {
        let name = try row.decode(column: "name", as: String.self)
        let version = try row.decode(column: "version", as: Int64.self)
        let tags = try await db.raw("SELECT key, value FROM model_version_tags WHERE name = \(bind: name) AND version = \(bind: version) ORDER BY key").all().map(TrackingService.tag)
        let aliases = try await db.raw("SELECT alias FROM registered_model_aliases WHERE name = \(bind: name) AND version = \(bind: version) ORDER BY alias").all()
            .map { try $0.decode(column: "alias", as: String.self) }
        return ModelVersion(
            name: name,
            version: String(version),
            creationTimestamp: try row.decode(column: "creation_time", as: Int64.self),
            lastUpdatedTimestamp: try row.decode(column: "last_updated_time", as: Int64.self),
            currentStage: try row.decode(column: "current_stage", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            source: try row.decode(column: "source", as: String.self),
            runId: try row.decode(column: "run_id", as: String?.self) ?? "",
            status: try row.decode(column: "status", as: String.self),
            tags: tags,
            runLink: "",
            aliases: aliases,
            modelId: try row.decode(column: "model_id", as: String?.self),
            storageLocation: try row.decode(column: "storage_location", as: String.self)
        )
    }
}
