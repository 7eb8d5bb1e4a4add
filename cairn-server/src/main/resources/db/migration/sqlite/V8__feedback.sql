-- Feedback on logged interactions (/v1/feedback). The feedback itself is an audit entry; these rows
-- only find it again: by the request it is about (and, for a preference between two requests, the
-- rejected one), with the log index of the entry it cites and its own. Times are epoch milliseconds, UTC.
CREATE TABLE feedback (
    id                  TEXT    PRIMARY KEY,
    workspace           TEXT    NOT NULL,
    request_id          TEXT    NOT NULL,
    rejected_request_id TEXT,
    kind                TEXT    NOT NULL,
    interaction_index   INTEGER NOT NULL,
    log_index           INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX feedback_by_request ON feedback (workspace, request_id);
CREATE INDEX feedback_by_rejected ON feedback (workspace, rejected_request_id);
-- One row per Idempotency-Key of a workspace: claimed (response null) before the feedback is
-- recorded, then holding the exact response bytes that a replay gets back.
CREATE TABLE feedback_idempotency (
    workspace   TEXT    NOT NULL,
    idem_key    TEXT    NOT NULL,
    body_sha256 TEXT    NOT NULL,
    response    TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (workspace, idem_key)
);
-- Metrics set through the admin API (/admin/feedback/metrics), per workspace, over the configured
-- cairn.feedback.metrics: spec is the API's JSON; updated_by is the admin key of the last change.
CREATE TABLE feedback_metrics (
    workspace  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    spec       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (workspace, name)
);
