-- An erased row names the subject.erased entry that emptied it, so that the dataset.rows_erased entry
-- each version is owed can be written again from the rows alone after a failed or interrupted append.
ALTER TABLE dataset_rows ADD COLUMN erased_by INTEGER;
-- The versions whose dataset.rows_erased entry for an erasure is not in the log yet. A row is added in
-- the transaction that empties the rows and removed in the one that records the entry's log index in
-- dataset_erasures; a background task retries what is left.
CREATE TABLE dataset_erasures_owed (
    dataset_id    TEXT    NOT NULL,
    erasure_index INTEGER NOT NULL,
    workspace     TEXT    NOT NULL,
    key_id        TEXT,
    PRIMARY KEY (dataset_id, erasure_index)
);
-- Subjects other than its interaction's whose content a row carries: the rejected answer of a
-- preference between two requests, feedback sealed under the other request's subject. Erasing any
-- of them empties the row.
CREATE TABLE dataset_row_subjects (
    dataset_id TEXT    NOT NULL,
    ordinal    INTEGER NOT NULL,
    subject_id TEXT    NOT NULL,
    PRIMARY KEY (dataset_id, ordinal, subject_id)
);
CREATE INDEX dataset_row_subjects_by_subject ON dataset_row_subjects (subject_id);
