package dev.cairn.feedback;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import dev.cairn.platform.JsonBodies;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tables that find feedback again ({@code feedback}), remember what each
 * {@code Idempotency-Key} was answered ({@code feedback_idempotency}), and hold the metrics set
 * through the admin API ({@code feedback_metrics}). Times are epoch milliseconds, UTC.
 */
@Repository
class FeedbackRepository {

    private final JdbcClient jdbc;
    /** For statements run once per row of a batch. */
    private final JdbcTemplate batch;
    private final TransactionTemplate transactions;

    FeedbackRepository(JdbcClient jdbc, JdbcTemplate batch, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.transactions = transactions;
    }

    /** One recorded feedback: where it is in the log, and the requests it is about. */
    record Row(String id, String workspace, String requestId, String rejectedRequestId, String kind,
               long interactionIndex, long logIndex, Instant createdAt) {
    }

    /** What an Idempotency-Key holds: the body's digest, and the answer once there is one. */
    record Claim(String bodySha256, String response) {
    }

    /** Claims {@code key} for a first request; false when it was claimed before. */
    boolean claim(String workspace, String key, String bodySha256, Instant at) {
        return jdbc.sql("INSERT INTO feedback_idempotency (workspace, idem_key, body_sha256, created_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")
                .params(workspace, key, bodySha256, at.toEpochMilli()).update() == 1;
    }

    Optional<Claim> claimed(String workspace, String key) {
        return jdbc.sql("SELECT body_sha256, response FROM feedback_idempotency WHERE workspace = ? AND idem_key = ?")
                .params(workspace, key)
                .query((rs, n) -> new Claim(rs.getString(1), rs.getString(2))).optional();
    }

    /** Gives a key back after its first request failed, so that a retry is processed anew. */
    void release(String workspace, String key) {
        jdbc.sql("DELETE FROM feedback_idempotency WHERE workspace = ? AND idem_key = ? AND response IS NULL")
                .params(workspace, key).update();
    }

    /** One request's rows and, with its {@code Idempotency-Key}, the response it answers from now on. */
    record Recorded(List<Row> rows, String workspace, String key, String response) {
    }

    /** Stores the rows of every request and the responses of those with a key, in one transaction: all or none. */
    void record(List<Recorded> requests) {
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> responses = new ArrayList<>();
        for (Recorded request : requests) {
            for (Row row : request.rows()) {
                rows.add(new Object[] {row.id(), row.workspace(), row.requestId(), row.rejectedRequestId(), row.kind(),
                        row.interactionIndex(), row.logIndex(), row.createdAt().toEpochMilli()});
            }
            if (request.key() != null) {
                responses.add(new Object[] {request.response(), request.workspace(), request.key()});
            }
        }
        transactions.executeWithoutResult(status -> {
            batch.batchUpdate("INSERT INTO feedback (id, workspace, request_id, rejected_request_id, kind, interaction_index, "
                    + "log_index, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
            if (!responses.isEmpty()) {
                batch.batchUpdate("UPDATE feedback_idempotency SET response = ? WHERE workspace = ? AND idem_key = ?", responses);
            }
        });
    }

    /** The feedback about a request (as either side of a preference), oldest first. */
    List<Row> about(String workspace, String requestId) {
        return jdbc.sql("SELECT id, workspace, request_id, rejected_request_id, kind, interaction_index, log_index, created_at "
                        + "FROM feedback "
                        + "WHERE workspace = ? AND (request_id = ? OR rejected_request_id = ?) ORDER BY log_index")
                .params(workspace, requestId, requestId)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6), rs.getLong(7), Instant.ofEpochMilli(rs.getLong(8))))
                .list();
    }

    /** Where a feedback is in the log and which requests it names (the rejected one null but for a preference). */
    record Citation(String requestId, String rejectedRequestId, long logIndex) {
    }

    /** The feedback below log index {@code below} naming any of {@code requestIds} on either side, oldest first. */
    List<Citation> citing(String workspace, Collection<String> requestIds, long below) {
        String marks = String.join(", ", Collections.nCopies(requestIds.size(), "?"));
        List<Object> params = new ArrayList<>(2 * requestIds.size() + 2);
        params.add(workspace);
        params.add(below);
        params.addAll(requestIds);
        params.addAll(requestIds);
        return jdbc.sql("SELECT request_id, rejected_request_id, log_index FROM feedback WHERE workspace = ? AND log_index < ? "
                        + "AND (request_id IN (" + marks + ") OR rejected_request_id IN (" + marks + ")) ORDER BY log_index")
                .params(params)
                .query((rs, n) -> new Citation(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
    }

    Optional<Metric> metric(String workspace, String name) {
        return jdbc.sql("SELECT name, spec FROM feedback_metrics WHERE workspace = ? AND name = ?")
                .params(workspace, name)
                .query((rs, n) -> MetricJson.read(rs.getString(1), JsonBodies.JSON.readTree(rs.getString(2)), "")).optional();
    }

    List<Metric> metrics(String workspace) {
        return jdbc.sql("SELECT name, spec FROM feedback_metrics WHERE workspace = ? ORDER BY name")
                .params(workspace)
                .query((rs, n) -> MetricJson.read(rs.getString(1), JsonBodies.JSON.readTree(rs.getString(2)), "")).list();
    }

    void putMetric(String workspace, Metric metric, String actorKeyId, Instant at) {
        ObjectNode spec = MetricJson.write(metric);
        spec.remove("name");
        String text = JsonBodies.JSON.writeValueAsString(spec);
        transactions.executeWithoutResult(status -> {
            int updated = jdbc.sql("UPDATE feedback_metrics SET spec = ?, updated_at = ?, updated_by = ? WHERE workspace = ? AND name = ?")
                    .params(text, at.toEpochMilli(), actorKeyId, workspace, metric.name()).update();
            if (updated == 0) {
                jdbc.sql("INSERT INTO feedback_metrics (workspace, name, spec, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)")
                        .params(workspace, metric.name(), text, at.toEpochMilli(), actorKeyId).update();
            }
        });
    }

    boolean deleteMetric(String workspace, String name) {
        return jdbc.sql("DELETE FROM feedback_metrics WHERE workspace = ? AND name = ?").params(workspace, name).update() == 1;
    }
}
