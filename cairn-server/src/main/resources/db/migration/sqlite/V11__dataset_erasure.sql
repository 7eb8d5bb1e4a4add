-- Erasure of a data subject (POST /v1/audit/subjects/{subject}/erase) reaches built dataset versions:
-- an erased row's content is replaced by nothing (data becomes empty) and only its RFC 9162 leaf hash
-- is kept, so the version's rows_root and every proof over it stay valid while the row is gone.
-- erased_at (epoch milliseconds) marks it; exports omit such rows.
ALTER TABLE dataset_rows ADD COLUMN leaf_hash BLOB;
ALTER TABLE dataset_rows ADD COLUMN erased_at INTEGER;
-- The dataset.rows_erased audit entries recorded for a version, so that its bundle can prove them.
CREATE TABLE dataset_erasures (
    dataset_id TEXT   NOT NULL,
    log_index  INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, log_index)
);
