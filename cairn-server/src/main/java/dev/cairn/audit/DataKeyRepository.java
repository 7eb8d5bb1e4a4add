package dev.cairn.audit;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** Destroys the subject's live keys; returns their ids. */
    List<String> erase(String subjectId, Instant at) {
        return jdbc.sql("UPDATE audit_data_keys SET wrapped_key = NULL, erased_at = ? "
                        + "WHERE subject_id = ? AND erased_at IS NULL RETURNING id")
                .params(at.toEpochMilli(), subjectId).query(String.class).list();
    }

    /** How the keys are stored: counted in one pass, none opened. */
    record Storage(long keys, long erased, long notWrapped, long erasedStillHeld) {
    }

    /**
     * Counts the keys, the erased ones, live keys not of {@code wrappedLength} bytes (or with none),
     * and erased keys that still hold key material.
     */
    Storage storage(int wrappedLength) {
        return jdbc.sql("SELECT COUNT(*), "
                        + "COALESCE(SUM(CASE WHEN erased_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
                        + "COALESCE(SUM(CASE WHEN erased_at IS NULL AND (wrapped_key IS NULL OR LENGTH(wrapped_key) <> ?) "
                        + "THEN 1 ELSE 0 END), 0), "
                        + "COALESCE(SUM(CASE WHEN erased_at IS NOT NULL AND wrapped_key IS NOT NULL THEN 1 ELSE 0 END), 0) "
                        + "FROM audit_data_keys")
                .param(wrappedLength)
                .query((rs, n) -> new Storage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).single();
    }

    /** The live key created last (ids sort by creation). */
    Optional<Row> newestLive() {
        return jdbc.sql("SELECT id, subject_id, wrapped_key FROM audit_data_keys WHERE erased_at IS NULL ORDER BY id DESC LIMIT 1")
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getBytes(3))).optional();
    }

    /** Ids and creation times of the subject's live keys created before {@code before}. */
    List<Map.Entry<String, Instant>> liveCreatedBefore(String subjectId, Instant before) {
        return jdbc.sql("SELECT id, created_at FROM audit_data_keys WHERE subject_id = ? AND erased_at IS NULL AND created_at < ?")
                .params(subjectId, before.toEpochMilli())
                .query((rs, n) -> Map.entry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)))).list();
    }

    /** When the subject's keys were last erased up to {@code until}, if ever. */
    Optional<Instant> lastErasedUntil(String subjectId, Instant until) {
        return jdbc.sql("SELECT MAX(erased_at) FROM audit_data_keys WHERE subject_id = ? AND erased_at <= ?")
                .params(subjectId, until.toEpochMilli())
                .query(Long.class).list().stream().filter(Objects::nonNull).findFirst().map(Instant::ofEpochMilli);
    }
}
