-- API keys: only the SHA-256 of each secret is stored. Times are epoch milliseconds, UTC.
CREATE TABLE api_keys (
    id             TEXT    PRIMARY KEY,
    secret_hash    TEXT    NOT NULL UNIQUE,
    display_prefix TEXT    NOT NULL,
    workspace      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    allowed_models TEXT,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    last_used_at   INTEGER
);
CREATE INDEX api_keys_workspace ON api_keys (workspace);

-- The usage ledger: one row per gateway request.
CREATE TABLE usage_events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at          INTEGER NOT NULL,
    day                 TEXT    NOT NULL,
    key_id              TEXT    NOT NULL,
    workspace           TEXT    NOT NULL,
    route               TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT,
    status              INTEGER NOT NULL,
    error_code          TEXT,
    stream              INTEGER NOT NULL,
    prompt_tokens       INTEGER NOT NULL,
    completion_tokens   INTEGER NOT NULL,
    cost_nano_usd       INTEGER NOT NULL,
    latency_ms          REAL    NOT NULL,
    upstream_latency_ms REAL    NOT NULL,
    trace_id            TEXT
);
CREATE INDEX usage_events_time ON usage_events (created_at);
CREATE INDEX usage_events_workspace_time ON usage_events (workspace, created_at);
