package dev.cairn.audit;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Wrapped per-subject data keys in {@code audit_data_keys}. */
@Repository
class DataKeyRepository {

    /** A stored key: wrapped is null once the subject was erased. */
    record Row(String id, String subjectId, byte[] wrapped) {
    }

    private final JdbcClient jdbc;

    DataKeyRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Row> findLive(String subjectId) {
        return jdbc.sql("SELECT id, subject_id, wrapped_key FROM audit_data_keys WHERE subject_id = ? AND erased_at IS NULL")
                .param(subjectId).query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getBytes(3))).optional();
    }

    Optional<Row> findById(String id) {
        return jdbc.sql("SELECT id, subject_id, wrapped_key FROM audit_data_keys WHERE id = ?")
                .param(id).query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getBytes(3))).optional();
    }

    /** Inserts a live key unless another request created one for the subject first. */
    void insertIfNoLiveKey(String id, String subjectId, String workspace, byte[] wrapped, Instant at) {
        jdbc.sql("INSERT INTO audit_data_keys (id, subject_id, workspace, wrapped_key, created_at) "
                        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(id, subjectId, workspace, wrapped, at.toEpochMilli()).update();
    }

    /** Destroys every key of the subject; returns how many were live. */
    /** Those of {@code subjectIds} that have an erased key. */
    Set<String> erasedAmong(Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(", ", Collections.nCopies(subjectIds.size(), "?"));
        return Set.copyOf(jdbc.sql("SELECT DISTINCT subject_id FROM audit_data_keys WHERE erased_at IS NOT NULL AND subject_id IN ("
                        + marks + ")")
                .params(List.copyOf(subjectIds)).query(String.class).list());
    }

    int erase(String subjectId, Instant at) {
        return jdbc.sql("UPDATE audit_data_keys SET wrapped_key = NULL, erased_at = ? "
                        + "WHERE subject_id = ? AND erased_at IS NULL")
                .params(at.toEpochMilli(), subjectId).update();
    }
}
