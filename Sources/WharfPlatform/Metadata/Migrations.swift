import SQLKit

/// One step of the metadata schema. Steps are append-only: a released step is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// False for a step that older binaries cannot work with (a dropped or renamed column, a changed
    /// meaning): a database past it refuses binaries older than it. Additive steps (new tables, new
    /// nullable columns, new indexes) leave older binaries working, so workers can be upgraded one by one.
    let olderBinariesCompatible: Bool
    let statements: @Sendable (MetadataStore.Backend) -> [String]

    init(version: Int, name: String, olderBinariesCompatible: Bool = true,
         statements: @escaping @Sendable (MetadataStore.Backend) -> [String]) {
        self.version = version
        self.name = name
        self.olderBinariesCompatible = olderBinariesCompatible
        self.statements = statements
    }
}

/// The ordered schema history and the code that applies it at start-up.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "api keys") { _ in
            [
                """
                CREATE TABLE api_keys (
                    access_key_id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    secret_sealed TEXT NOT NULL,
                    secret_digest TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """,
                "CREATE UNIQUE INDEX api_keys_secret_digest ON api_keys (secret_digest)",
            ]
        },
        Migration(version: 2, name: "experiment tracking and model registry") { _ in
            TrackingSchema.statements
        },
        Migration(version: 3, name: "metric history keeps one copy of an identical value") { _ in
            TrackingSchema.identicalMetricsOnce
        },
        Migration(version: 4, name: "metric history stored by its identity, without a per-row run check") { backend in
            TrackingSchema.metricHistoryByIdentity(backend)
        },
        Migration(version: 5, name: "logged models: deletion and metrics") { _ in
            TrackingSchema.loggedModelDeletionAndMetrics
        },
        Migration(version: 6, name: "schema steps record the oldest binary that can still use the database") { _ in
            ["ALTER TABLE wharf_schema ADD COLUMN oldest_binary BIGINT NOT NULL DEFAULT 0"]
        },
        Migration(version: 7, name: "AWS front door: STS sessions, the account id, ClientToken records") { _ in
            AccessSchema.sessionsAccountAndClientTokens
        },
        Migration(version: 8, name: "tracking ids claimed from counter rows; dataset inputs keep all their tags") { _ in
            TrackingSchema.databaseIdsAndInputTags
        },
        Migration(version: 9, name: "the job queue: jobs with leases, and their status transitions") { _ in
            JobSchema.statements
        },
    ]

    /// The first step whose rows carry `oldest_binary`.
    static let oldestBinaryColumnSince = 6

    /// Where a database's schema stands: its version, and the oldest binary schema version that may use it.
    struct State: Sendable {
        var version: Int
        var oldestBinary: Int
    }

    static var latestVersion: Int { all.last?.version ?? 0 }

    /// The database's schema state, or nil when it has none yet (a fresh database). Read without a transaction.
    static func state(_ db: any SQLDatabase) async throws -> State? {
        let exists: Bool
        switch db.dialect.name {
        case "sqlite":
            exists = try await db.raw("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'wharf_schema'").first() != nil
        default:
            exists = try await db.raw("SELECT 1 AS present FROM information_schema.tables WHERE table_name = 'wharf_schema' AND table_schema = current_schema()").first() != nil
        }
        guard exists else { return nil }
        let version = try await currentVersion(db)
        guard version >= oldestBinaryColumnSince else { return State(version: version, oldestBinary: 0) }
        let row = try await db.raw("SELECT MAX(oldest_binary) AS oldest FROM wharf_schema").first()
        let oldest = try row?.decodeNil(column: "oldest") == false ? try row!.decode(column: "oldest", as: Int.self) : 0
        return State(version: version, oldestBinary: oldest)
    }

    /// Refuses a database that a newer binary changed in a way this one cannot work with.
    static func checkReadable(_ state: State) throws {
        guard state.oldestBinary > latestVersion else { return }
        throw WharfError(
            .conflict,
            "the metadata database is at schema version \(state.version), which needs a wharf binary of schema version \(state.oldestBinary) or newer (this one has \(latestVersion)); upgrade wharf",
            field: "database"
        )
    }

    static func currentVersion(_ db: any SQLDatabase) async throws -> Int {
        let row = try await db.raw("SELECT MAX(version) AS version FROM wharf_schema").first()
        return try row?.decodeNil(column: "version") == false ? try row!.decode(column: "version", as: Int.self) : 0
    }

    /// Applies every step newer than the database's version; refuses a database written by a newer binary.
    /// Runs inside the caller's transaction, so concurrent starters apply each step once.
    static func apply(to db: any SQLDatabase, backend: MetadataStore.Backend) async throws {
        if backend == .postgres {
            // Several servers may start at once against one database: serialise their migrations.
            try await db.raw("SELECT pg_advisory_xact_lock(7261626)").run()
        }
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS wharf_schema (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """).run()
        // Another starter may have migrated since this one looked: judge by what the database holds now.
        let current = try await state(db) ?? State(version: 0, oldestBinary: 0)
        if current.version > latestVersion { try checkReadable(current) }
        for migration in all where migration.version > current.version {
            for statement in migration.statements(backend) {
                try await db.raw(SQLQueryString(statement)).run()
            }
            let now = WallClock.millisecondsSinceEpoch()
            if migration.version >= oldestBinaryColumnSince {
                let oldest = migration.olderBinariesCompatible ? 0 : migration.version
                try await db.raw("""
                    INSERT INTO wharf_schema (version, name, applied_at, oldest_binary)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now), \(bind: oldest))
                    """).run()
            } else {
                try await db.raw("""
                    INSERT INTO wharf_schema (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))
                    """).run()
            }
        }
    }
}
