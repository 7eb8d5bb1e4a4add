-- The audit log's lookups by time, workspace and trace id move out of audit_entries into a table of
-- their own that the sequencer fills behind the log, many entries per transaction. Kept on
-- audit_entries, each of the three indexes was written in every group commit (4 of the 9.7 log
-- pages a small commit wrote, measured), on the path every answer waits for. Readers look here for
-- entries below the table's highest index and scan audit_entries by index above it (a short tail:
-- see AuditRepository). The columns stay on audit_entries, which remains the record.
CREATE TABLE audit_lookup (
    idx        INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    workspace  TEXT,
    trace_id   TEXT
);
INSERT INTO audit_lookup (idx, created_at, workspace, trace_id)
    SELECT idx, created_at, workspace, trace_id FROM audit_entries;
CREATE INDEX audit_lookup_time ON audit_lookup (created_at);
CREATE INDEX audit_lookup_workspace_time ON audit_lookup (workspace, created_at);
CREATE INDEX audit_lookup_trace ON audit_lookup (trace_id);
DROP INDEX audit_entries_time;
DROP INDEX audit_entries_workspace_time;
DROP INDEX audit_entries_trace;
