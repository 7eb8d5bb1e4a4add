-- API keys: only the SHA-256 of each secret is stored. Times are epoch milliseconds, UTC.
CREATE TABLE api_keys (
    id             TEXT    PRIMARY KEY,
    secret_hash    TEXT    NOT NULL UNIQUE,
    display_prefix TEXT    NOT NULL,
    workspace      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    allowed_models TEXT,
    created_at     BIGINT  NOT NULL,
    revoked_at     BIGINT,
    last_used_at   BIGINT
);
CREATE INDEX api_keys_workspace ON api_keys (workspace);

-- The usage ledger: one row per gateway request.
CREATE TABLE usage_events (
    id                  BIGSERIAL PRIMARY KEY,
    created_at          BIGINT   NOT NULL,
    day                 TEXT     NOT NULL,
    key_id              TEXT     NOT NULL,
    workspace           TEXT     NOT NULL,
    route               TEXT     NOT NULL,
    model               TEXT     NOT NULL,
    provider            TEXT,
    status              INTEGER  NOT NULL,
    error_code          TEXT,
    stream              BOOLEAN  NOT NULL,
    prompt_tokens       BIGINT   NOT NULL,
    completion_tokens   BIGINT   NOT NULL,
    cost_nano_usd       BIGINT   NOT NULL,
    latency_ms          DOUBLE PRECISION NOT NULL,
    upstream_latency_ms DOUBLE PRECISION NOT NULL,
    trace_id            TEXT
);
CREATE INDEX usage_events_time ON usage_events (created_at);
CREATE INDEX usage_events_workspace_time ON usage_events (workspace, created_at);
