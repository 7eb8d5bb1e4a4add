-- Memory content at rest sealed per workspace (docs/memory.md, "Content at rest").
-- memory_keys: each workspace's AES-256 memory key, wrapped by the audit master key (never in clear).
-- content_sealed: the item's text, AES-256-GCM under the workspace key; content is left empty once
-- an item is sealed (the startup re-sealing seals rows written before this version).
-- terms: the full-text index terms, one keyed hash (HMAC-SHA256 under the workspace key, truncated)
-- per Porter-stemmed word, in order; the index sees only which terms are equal and how often.
-- embedding: sealed under the workspace key as well from this version on.
CREATE TABLE memory_keys (
    workspace   TEXT    PRIMARY KEY,
    wrapped_key BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);

ALTER TABLE memory_items ADD COLUMN content_sealed BLOB;
ALTER TABLE memory_items ADD COLUMN terms TEXT;

-- The old index held the words in clear: it goes, and the new one indexes the hashed terms (ascii
-- tokenizer: the terms are already stemmed and lower-case letters).
DROP TRIGGER memory_items_fts_insert;
DROP TRIGGER memory_items_fts_delete;
DROP TRIGGER memory_items_fts_update;
DROP TABLE memory_items_fts;

CREATE VIRTUAL TABLE memory_items_fts USING fts5 (
    terms, content = 'memory_items', content_rowid = 'seq', tokenize = 'ascii'
);
-- Every existing row enters the index with no terms yet (its re-sealing replaces them), so the
-- update trigger's 'delete' always finds the row it removes.
INSERT INTO memory_items_fts (memory_items_fts) VALUES ('rebuild');
CREATE TRIGGER memory_items_fts_insert AFTER INSERT ON memory_items BEGIN
    INSERT INTO memory_items_fts (rowid, terms) VALUES (new.seq, new.terms);
END;
CREATE TRIGGER memory_items_fts_delete AFTER DELETE ON memory_items BEGIN
    INSERT INTO memory_items_fts (memory_items_fts, rowid, terms) VALUES ('delete', old.seq, old.terms);
END;
CREATE TRIGGER memory_items_fts_update AFTER UPDATE OF terms ON memory_items BEGIN
    INSERT INTO memory_items_fts (memory_items_fts, rowid, terms) VALUES ('delete', old.seq, old.terms);
    INSERT INTO memory_items_fts (rowid, terms) VALUES (new.seq, new.terms);
END;
