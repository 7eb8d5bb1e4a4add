-- Compliance reports kept (docs/compliance.md): the signed report as JSON (never a subject's opened
-- content, which an erasure could not reach here), its SHA-256, and the log index of the
-- compliance.report entry that recorded it. Times are epoch milliseconds, UTC.
CREATE TABLE compliance_reports (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    workspace   TEXT,
    subject_id  TEXT,
    period_from INTEGER NOT NULL,
    period_to   INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    log_index   INTEGER,
    key_id      TEXT,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
-- A scheduled run looks for the report of its period it may have made already.
CREATE INDEX compliance_reports_period ON compliance_reports (kind, period_from, period_to);
