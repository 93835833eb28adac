/// The job queue's table (metadata schema step 9): one row per training, processing, transform or
/// tuning job, whatever API created it; its lease columns are what `LeasedRows` claims.
enum JobSchema {
    static let statements: [String] = [
        """
        CREATE TABLE jobs (
            job_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            secondary_status TEXT NOT NULL,
            spec TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            queued_at BIGINT NOT NULL,
            started_at BIGINT,
            ended_at BIGINT,
            attempts BIGINT NOT NULL,
            max_attempts BIGINT NOT NULL,
            max_runtime_seconds BIGINT,
            stop_requested BIGINT NOT NULL,
            failure_reason TEXT,
            exit_code BIGINT,
            exit_signal BIGINT,
            worker TEXT,
            lease_owner TEXT,
            lease_expires_at BIGINT
        )
        """,
        "CREATE UNIQUE INDEX jobs_kind_name ON jobs (kind, name)",
        "CREATE INDEX jobs_status_queued ON jobs (status, queued_at)",
        """
        CREATE TABLE job_transitions (
            job_id TEXT NOT NULL REFERENCES jobs (job_id),
            seq BIGINT NOT NULL,
            status TEXT NOT NULL,
            secondary_status TEXT NOT NULL,
            message TEXT NOT NULL,
            at BIGINT NOT NULL,
            PRIMARY KEY (job_id, seq)
        )
        """,
    ]
}
