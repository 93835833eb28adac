import SQLKit

/// One step of the metadata schema. Steps are append-only: a released step is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (MetadataStore.Backend) -> [String]
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
    ]

    static var latestVersion: Int { all.last?.version ?? 0 }

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
        let current = try await currentVersion(db)
        if current > latestVersion {
            throw WharfError(
                .conflict,
                "the metadata database is at schema version \(current), newer than this wharf binary supports (\(latestVersion)); upgrade wharf",
                field: "database"
            )
        }
        for migration in all where migration.version > current {
            for statement in migration.statements(backend) {
                try await db.raw(SQLQueryString(statement)).run()
            }
            let now = WallClock.millisecondsSinceEpoch()
            try await db.raw("""
                INSERT INTO wharf_schema (version, name, applied_at)
                VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))
                """).run()
        }
    }
}
