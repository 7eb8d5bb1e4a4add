-- Keys may be auditors: they read the audit log and its proofs, nothing else beyond a normal key.
ALTER TABLE api_keys ADD COLUMN is_auditor INTEGER NOT NULL DEFAULT 0;

-- The audit log's entries, one row per leaf; idx is the leaf index. data is the canonical JSON
-- entry exactly as hashed into the tree, or NULL once retention moved it to the archive (the
-- hashes stay in audit_tiles). Times are epoch milliseconds, UTC.
CREATE TABLE audit_entries (
    idx        INTEGER PRIMARY KEY,
    event_id   TEXT    NOT NULL UNIQUE,
    type       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    workspace  TEXT,
    key_id     TEXT,
    trace_id   TEXT,
    subject_id TEXT,
    leaf_hash  BLOB    NOT NULL,
    data       BLOB
);
CREATE INDEX audit_entries_time ON audit_entries (created_at);
CREATE INDEX audit_entries_workspace_time ON audit_entries (workspace, created_at);
CREATE INDEX audit_entries_trace ON audit_entries (trace_id);

-- Sealed content too large for its entry (an entry bundle holds at most 65,535 bytes per entry):
-- the entry keeps the ciphertext's SHA-256, the ciphertext lives here.
CREATE TABLE audit_blobs (
    idx  INTEGER PRIMARY KEY,
    data BLOB    NOT NULL
);

-- C2SP tlog-tiles hash tiles, each row at its widest; a narrower partial tile is a prefix. Level-0
-- tiles are stored once full: until then they are read from audit_entries.leaf_hash, so that a
-- commit writes only its entries and not an 8 KB tile each time.
CREATE TABLE audit_tiles (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hashes BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Every signed checkpoint, by tree size.
CREATE TABLE audit_checkpoints (
    size       INTEGER PRIMARY KEY,
    note       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Per-subject data keys, wrapped by the master key. Erasing a subject deletes wrapped_key
-- (crypto-shredding); the row stays to say when.
CREATE TABLE audit_data_keys (
    id          TEXT    PRIMARY KEY,
    subject_id  TEXT    NOT NULL,
    workspace   TEXT    NOT NULL,
    wrapped_key BLOB,
    created_at  INTEGER NOT NULL,
    erased_at   INTEGER
);
CREATE UNIQUE INDEX audit_data_keys_live ON audit_data_keys (subject_id) WHERE erased_at IS NULL;
