/// Tables of the AWS front door's identity: temporary credentials (STS), installation settings (the
/// account id) and ClientToken records. Additive: older binaries ignore them.
enum AccessSchema {
    static let sessionsAccountAndClientTokens = [
        """
        CREATE TABLE sts_sessions (
            access_key_id TEXT PRIMARY KEY,
            parent_key_id TEXT NOT NULL REFERENCES api_keys (access_key_id),
            secret_sealed TEXT NOT NULL,
            token_sha256 TEXT NOT NULL,
            session_name TEXT,
            role_arn TEXT,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX sts_sessions_expires_at ON sts_sessions (expires_at)",
        """
        CREATE TABLE installation_settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE aws_client_tokens (
            scope TEXT NOT NULL,
            client_token TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            response TEXT,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (scope, client_token)
        )
        """,
    ]
}
