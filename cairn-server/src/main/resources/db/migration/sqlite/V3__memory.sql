-- Context memory. A workspace is named by the workspace string API keys carry; its row holds the
-- settings and metadata users can set, and is created on first use. Times are epoch milliseconds.
CREATE TABLE memory_workspaces (
    id                  TEXT    PRIMARY KEY,
    metadata            TEXT    NOT NULL DEFAULT '{}',
    recall_default      INTEGER NOT NULL DEFAULT 0,
    recall_token_budget INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- Thread ids are chosen by clients (trip-42), so they are unique within a workspace only.
CREATE TABLE memory_threads (
    workspace  TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    name       TEXT,
    metadata   TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, id)
);

-- seq is the rowid the full-text index points at; id is what users see.
-- embedding: float32 little-endian, made by embedding_model; NULL while the embedding job is pending.
CREATE TABLE memory_items (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    workspace       TEXT    NOT NULL,
    thread_id       TEXT,
    kind            TEXT    NOT NULL,
    content         TEXT    NOT NULL,
    external_id     TEXT,
    metadata        TEXT    NOT NULL DEFAULT '{}',
    occurred_at     INTEGER NOT NULL,
    salience        REAL    NOT NULL,
    supersedes      TEXT,
    retired_at      INTEGER,
    source          TEXT,
    tokens          INTEGER NOT NULL,
    embedding_model TEXT,
    embedding       BLOB,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX memory_items_workspace ON memory_items (workspace, seq);
CREATE INDEX memory_items_thread ON memory_items (workspace, thread_id, occurred_at, id);
CREATE UNIQUE INDEX memory_items_external_id ON memory_items (workspace, external_id) WHERE external_id IS NOT NULL;

-- Full text: an external-content FTS5 index kept in step by triggers, so no write path can forget it.
CREATE VIRTUAL TABLE memory_items_fts USING fts5 (
    content, content = 'memory_items', content_rowid = 'seq', tokenize = 'porter unicode61'
);
CREATE TRIGGER memory_items_fts_insert AFTER INSERT ON memory_items BEGIN
    INSERT INTO memory_items_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER memory_items_fts_delete AFTER DELETE ON memory_items BEGIN
    INSERT INTO memory_items_fts (memory_items_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER memory_items_fts_update AFTER UPDATE OF content ON memory_items BEGIN
    INSERT INTO memory_items_fts (memory_items_fts, rowid, content) VALUES ('delete', old.seq, old.content);
    INSERT INTO memory_items_fts (rowid, content) VALUES (new.seq, new.content);
END;
