-- Erasure reaches every copy (issue 33): memory items and background jobs name the data subject
-- whose content they came from, by the pseudonym audit entries use (sub_…, keyed by the master key,
-- per workspace), so that erasing the subject finds them. NULL: the workspace's own (no subject
-- named), or written before this version.
ALTER TABLE memory_items ADD COLUMN subject_id TEXT;
CREATE INDEX memory_items_subject ON memory_items (subject_id) WHERE subject_id IS NOT NULL;
ALTER TABLE jobs ADD COLUMN subject_id TEXT;
CREATE INDEX jobs_subject ON jobs (subject_id) WHERE subject_id IS NOT NULL;
