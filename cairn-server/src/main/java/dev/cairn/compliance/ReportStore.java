package dev.cairn.compliance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The reports Cairn keeps: every one it made, on request or on schedule, as signed. */
@Repository
class ReportStore {

    /** A kept report's row; {@code body} is the report's JSON as signed, with where it was recorded. */
    record Kept(String id, String kind, String workspace, String subjectId, Instant from, Instant to, String sha256,
                Long logIndex, String keyId, String body, Instant createdAt) {
    }

    private static final String COLUMNS = "id, kind, workspace, subject_id, period_from, period_to, sha256, log_index, key_id, "
            + "body, created_at";

    private final JdbcClient jdbc;

    ReportStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Kept report) {
        jdbc.sql("INSERT INTO compliance_reports (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(report.id(), report.kind(), report.workspace(), report.subjectId(), report.from().toEpochMilli(),
                        report.to().toEpochMilli(), report.sha256(), report.logIndex(), report.keyId(), report.body(),
                        report.createdAt().toEpochMilli())
                .update();
    }

    Optional<Kept> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM compliance_reports WHERE id = ?").param(id).query(ReportStore::map).optional();
    }

    /** Newest first; {@code after} is the last id of the previous page. */
    List<Kept> list(String after, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM compliance_reports WHERE id < ? ORDER BY id DESC LIMIT ?")
                // Every id sorts before "rpt_~": no cursor is the same query from the top.
                .params(after == null ? "rpt_~" : after, limit).query(ReportStore::map).list();
    }

    /** Whether a report of this kind and period was already made, say by an earlier run of a scheduled job. */
    Optional<Kept> findPeriod(String kind, String workspace, Instant from, Instant to) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM compliance_reports WHERE kind = ? AND period_from = ? AND period_to = ? "
                        + "AND subject_id IS NULL AND " + (workspace == null ? "workspace IS NULL" : "workspace = ?")
                        + " ORDER BY id LIMIT 1")
                .params(workspace == null ? List.of(kind, from.toEpochMilli(), to.toEpochMilli())
                        : List.of(kind, from.toEpochMilli(), to.toEpochMilli(), workspace))
                .query(ReportStore::map).optional();
    }

    private static Kept map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        long logIndex = rs.getLong("log_index");
        Long index = rs.wasNull() ? null : logIndex;
        return new Kept(rs.getString("id"), rs.getString("kind"), rs.getString("workspace"), rs.getString("subject_id"),
                Instant.ofEpochMilli(rs.getLong("period_from")), Instant.ofEpochMilli(rs.getLong("period_to")),
                rs.getString("sha256"), index, rs.getString("key_id"), rs.getString("body"),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
