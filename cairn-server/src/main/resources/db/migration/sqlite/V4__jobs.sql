-- The background job queue. A job is queued until a worker claims it (state running, locked_by its
-- claim, locked_until the end of its lease), then succeeded, or queued again after a failure with a
-- later run_after, or failed once max_attempts are spent. A running job whose lease has expired
-- belongs to a process that stopped, and is queued again. payload is JSON text. Times are epoch
-- milliseconds, UTC.
CREATE TABLE jobs (
    id           TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL,
    workspace    TEXT,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_after    INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
-- Claiming takes the queued job due first; ids sort by creation, so listings read these newest first.
CREATE INDEX jobs_due ON jobs (state, run_after);
CREATE INDEX jobs_state_id ON jobs (state, id);
CREATE INDEX jobs_kind_id ON jobs (kind, id);
CREATE INDEX jobs_workspace_id ON jobs (workspace, id);
