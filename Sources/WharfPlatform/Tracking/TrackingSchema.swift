/// The tables of experiment tracking, logged models and the model registry (metadata schema step 2).
enum TrackingSchema {
    static let statements: [String] = [
        """
        CREATE TABLE experiments (
            experiment_id TEXT PRIMARY KEY,
            seq BIGINT NOT NULL,
            name TEXT NOT NULL,
            artifact_location TEXT NOT NULL,
            lifecycle_stage TEXT NOT NULL,
            creation_time BIGINT NOT NULL,
            last_update_time BIGINT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX experiments_name ON experiments (name)",
        "CREATE UNIQUE INDEX experiments_seq ON experiments (seq)",
        """
        CREATE TABLE experiment_tags (
            experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (experiment_id, key)
        )
        """,
        """
        INSERT INTO experiments (experiment_id, seq, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
        VALUES ('0', 0, 'Default', 'mlflow-artifacts:/0', 'active', 0, 0)
        """,
        """
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
            run_name TEXT NOT NULL,
            user_id TEXT NOT NULL,
            status TEXT NOT NULL,
            start_time BIGINT,
            end_time BIGINT,
            lifecycle_stage TEXT NOT NULL,
            artifact_uri TEXT NOT NULL
        )
        """,
        "CREATE INDEX runs_experiment ON runs (experiment_id, start_time)",
        """
        CREATE TABLE run_params (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        )
        """,
        "CREATE INDEX run_params_key_value ON run_params (key, value)",
        """
        CREATE TABLE run_tags (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        )
        """,
        "CREATE INDEX run_tags_key_value ON run_tags (key, value)",
        """
        CREATE TABLE run_metrics (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            is_nan BIGINT NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL
        )
        """,
        "CREATE INDEX run_metrics_history ON run_metrics (run_id, key, step, timestamp)",
        """
        CREATE TABLE run_latest_metrics (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            is_nan BIGINT NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL,
            PRIMARY KEY (run_id, key)
        )
        """,
        "CREATE INDEX run_latest_metrics_key_value ON run_latest_metrics (key, value)",
        """
        CREATE TABLE run_inputs (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            name TEXT NOT NULL,
            digest TEXT NOT NULL,
            source_type TEXT NOT NULL,
            source TEXT NOT NULL,
            dataset_schema TEXT,
            profile TEXT,
            context TEXT,
            PRIMARY KEY (run_id, name, digest)
        )
        """,
        """
        CREATE TABLE run_outputs (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            model_id TEXT NOT NULL,
            step BIGINT NOT NULL,
            PRIMARY KEY (run_id, model_id)
        )
        """,
        """
        CREATE TABLE logged_models (
            model_id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
            name TEXT NOT NULL,
            artifact_location TEXT NOT NULL,
            creation_time BIGINT NOT NULL,
            last_updated_time BIGINT NOT NULL,
            source_run_id TEXT,
            status TEXT NOT NULL,
            model_type TEXT
        )
        """,
        "CREATE INDEX logged_models_experiment ON logged_models (experiment_id, creation_time)",
        """
        CREATE TABLE logged_model_tags (
            model_id TEXT NOT NULL REFERENCES logged_models (model_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model_id, key)
        )
        """,
        """
        CREATE TABLE logged_model_params (
            model_id TEXT NOT NULL REFERENCES logged_models (model_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (model_id, key)
        )
        """,
        """
        CREATE TABLE registered_models (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL,
            creation_time BIGINT NOT NULL,
            last_updated_time BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE registered_model_tags (
            name TEXT NOT NULL REFERENCES registered_models (name),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (name, key)
        )
        """,
        """
        CREATE TABLE model_versions (
            name TEXT NOT NULL REFERENCES registered_models (name),
            version BIGINT NOT NULL,
            description TEXT NOT NULL,
            creation_time BIGINT NOT NULL,
            last_updated_time BIGINT NOT NULL,
            source TEXT NOT NULL,
            run_id TEXT,
            model_id TEXT,
            storage_location TEXT NOT NULL,
            status TEXT NOT NULL,
            current_stage TEXT NOT NULL,
            PRIMARY KEY (name, version)
        )
        """,
        """
        CREATE TABLE model_version_tags (
            name TEXT NOT NULL,
            version BIGINT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (name, version, key)
        )
        """,
        """
        CREATE TABLE registered_model_aliases (
            name TEXT NOT NULL REFERENCES registered_models (name),
            alias TEXT NOT NULL,
            version BIGINT NOT NULL,
            PRIMARY KEY (name, alias)
        )
        """,
    ]

    /// As in MLflow, logging the same (key, value, timestamp, step) twice keeps one copy: clients re-log a run's
    /// metrics when they link them to a logged model.
    static let identicalMetricsOnce: [String] = [
        "DROP INDEX run_metrics_history",
        "CREATE UNIQUE INDEX run_metrics_identity ON run_metrics (run_id, key, step, timestamp, value, is_nan)",
    ]

    /// Metric history is the hot write path (a log-batch call appends up to 1,000 rows). On SQLite the history
    /// becomes a WITHOUT ROWID table keyed by the identity columns, so each value is one B-tree insert instead
    /// of a table row plus an index entry. On both databases the foreign key to `runs` goes: it looked up the
    /// run once per row (a trigger per row on PostgreSQL), while every write already checks the run inside its
    /// own transaction and runs are never removed, only marked deleted.
    static func metricHistoryByIdentity(_ backend: MetadataStore.Backend) -> [String] {
        switch backend {
        case .sqlite:
            [
                """
                CREATE TABLE run_metrics_by_identity (
                    run_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    step BIGINT NOT NULL,
                    timestamp BIGINT NOT NULL,
                    value DOUBLE PRECISION NOT NULL,
                    is_nan BIGINT NOT NULL,
                    PRIMARY KEY (run_id, key, step, timestamp, value, is_nan)
                ) WITHOUT ROWID
                """,
                """
                INSERT INTO run_metrics_by_identity (run_id, key, step, timestamp, value, is_nan)
                SELECT run_id, key, step, timestamp, value, is_nan FROM run_metrics
                """,
                "DROP TABLE run_metrics",
                "ALTER TABLE run_metrics_by_identity RENAME TO run_metrics",
            ]
        case .postgres:
            ["ALTER TABLE run_metrics DROP CONSTRAINT IF EXISTS run_metrics_run_id_fkey"]
        }
    }

    /// MLflow 3 deletes a logged model by marking it (get and search then skip it), and records the metrics a
    /// run logs against a model (`model_id` on a metric), which logged-model search filters on.
    static let loggedModelDeletionAndMetrics: [String] = [
        "ALTER TABLE logged_models ADD COLUMN lifecycle_stage TEXT NOT NULL DEFAULT 'active'",
        """
        CREATE TABLE logged_model_metrics (
            model_id TEXT NOT NULL REFERENCES logged_models (model_id),
            key TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            is_nan BIGINT NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL,
            run_id TEXT NOT NULL,
            dataset_name TEXT NOT NULL,
            dataset_digest TEXT NOT NULL,
            PRIMARY KEY (model_id, key, step, timestamp, run_id, dataset_name, dataset_digest)
        )
        """,
    ]
}

extension TrackingSchema {
    /// Ids that servers sharing one database must never pick twice come from rows of the database, claimed
    /// with one `UPDATE ... RETURNING` that holds the row until commit: experiment ids from a counter, version
    /// numbers from a counter on their registered model (so a deleted version's number is not reused, as in
    /// MLflow). A dataset input keeps every tag it was logged with, not only `mlflow.data.context`.
    /// Additive: a binary from before this step still runs (the claims never go below what it wrote).
    static let databaseIdsAndInputTags: [String] = [
        "CREATE TABLE tracking_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        "INSERT INTO tracking_counters (name, value) SELECT 'experiment', COALESCE(MAX(seq), 0) FROM experiments",
        "ALTER TABLE registered_models ADD COLUMN last_version BIGINT NOT NULL DEFAULT 0",
        """
        UPDATE registered_models SET last_version = COALESCE((SELECT MAX(v.version) FROM model_versions v WHERE v.name = registered_models.name), 0)
        """,
        """
        CREATE TABLE run_input_tags (
            run_id TEXT NOT NULL,
            name TEXT NOT NULL,
            digest TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, name, digest, key)
        )
        """,
        """
        INSERT INTO run_input_tags (run_id, name, digest, key, value)
        SELECT run_id, name, digest, 'mlflow.data.context', context FROM run_inputs WHERE context IS NOT NULL
        """,
    ]

    /// The larger of two numbers in SQL (`GREATEST` on PostgreSQL, the two-argument `MAX` on SQLite).
    static func greatest(_ backend: MetadataStore.Backend) -> String {
        backend == .postgres ? "GREATEST" : "MAX"
    }
}
