-- Dataset versions (/v1/datasets): a frozen selection of a workspace's logged interactions and their
-- feedback. Rows are written once, while the version is 'building', and never changed after it is
-- 'built'. Times are epoch milliseconds, UTC.
-- checkpoint_* is the signed log checkpoint the version was cut at: every source entry is below its
-- size. rows_root is the RFC 9162 Merkle root over the rows' bytes; manifest_index the log index of
-- the version's dataset.built entry.
CREATE TABLE datasets (
    id               TEXT    PRIMARY KEY,
    workspace        TEXT    NOT NULL,
    key_id           TEXT,
    filter           TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    row_count        BIGINT  NOT NULL,
    skipped          BIGINT  NOT NULL,
    feedback_count   BIGINT  NOT NULL,
    checkpoint_size  BIGINT  NOT NULL,
    checkpoint_note  TEXT    NOT NULL,
    rows_root        TEXT,
    manifest_index   BIGINT,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX datasets_by_workspace ON datasets (workspace, created_at);
-- One row per source interaction, in log order (ordinal from 0): its canonical JSON as exported, the
-- interaction's log index and the pseudonymous subject its content was sealed under, kept so that an
-- erasure can find the rows of a subject.
CREATE TABLE dataset_rows (
    dataset_id        TEXT    NOT NULL,
    ordinal           BIGINT  NOT NULL,
    interaction_index BIGINT  NOT NULL,
    subject_id        TEXT,
    data              BYTEA   NOT NULL,
    PRIMARY KEY (dataset_id, ordinal)
);
CREATE INDEX dataset_rows_by_subject ON dataset_rows (subject_id);
-- Exports run as background jobs (POST /v1/datasets/{id}/exports): state queued, running, done or
-- failed; rows_done of rows_total is the progress; the file is written under the data dir.
CREATE TABLE dataset_exports (
    id          TEXT    PRIMARY KEY,
    dataset_id  TEXT    NOT NULL,
    workspace   TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    rows_done   BIGINT NOT NULL,
    rows_total  BIGINT NOT NULL,
    lines       BIGINT NOT NULL,
    bytes       BIGINT NOT NULL,
    error       TEXT,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);
