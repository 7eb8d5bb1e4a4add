-- Memory content at rest sealed per workspace (docs/memory.md, "Content at rest").
-- memory_keys: each workspace's AES-256 memory key, wrapped by the audit master key (never in clear).
-- content_sealed: the item's text, AES-256-GCM under the workspace key; content is left empty once
-- an item is sealed (the startup re-sealing seals rows written before this version).
-- terms: the full-text index terms, one keyed hash (HMAC-SHA256 under the workspace key, truncated)
-- per Porter-stemmed word, in order; the index sees only which terms are equal and how often.
-- embedding: sealed under the workspace key as well from this version on.
CREATE TABLE memory_keys (
    workspace   TEXT   PRIMARY KEY,
    wrapped_key BYTEA  NOT NULL,
    created_at  BIGINT NOT NULL
);

ALTER TABLE memory_items ADD COLUMN content_sealed BYTEA;
ALTER TABLE memory_items ADD COLUMN terms TEXT;

-- The old tsvector held the words in clear: it goes (its GIN index with it), and the new one is
-- made of the hashed terms ('simple': they are already stemmed, and no term is a stop word).
ALTER TABLE memory_items DROP COLUMN content_tsv;
ALTER TABLE memory_items ADD COLUMN terms_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', COALESCE(terms, ''))) STORED;
CREATE INDEX memory_items_fts ON memory_items USING GIN (terms_tsv);
