package dev.cairn.annotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.cairn.platform.Dialect;
import dev.cairn.platform.JsonBodies;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stores queues, their items, who holds which item, and the answers given. Claims are serialised
 * per queue inside one transaction (SQLite takes its write lock at BEGIN, PostgreSQL locks the
 * queue's row), so two claims never both see an item with one place left.
 */
@Repository
class AnnotationRepository {

    /** An item handed to an annotator: which one, the interaction it is, and until when it is held. */
    record Lease(long item, String requestId, long logIndex, Instant until) {
    }

    /** One annotator's part of a queue: items submitted and items held right now. */
    record AnnotatorProgress(String annotator, long done, long leased) {
    }

    /** One submitted answer. */
    record Answer(long item, String annotator, String question, JsonNode value) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Dialect dialect;

    AnnotationRepository(JdbcClient jdbc, TransactionTemplate transactions, Dialect dialect) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.dialect = dialect;
    }

    /** Stores a queue and its items (request id and log index, in order), both or neither. */
    void create(AnnotationQueue queue, List<Lease> items) {
        ObjectNode spec = JsonBodies.JSON.createObjectNode();
        queue.filter().toJson(spec.putObject("filter"));
        var questions = spec.putArray("questions");
        queue.questions().forEach(q -> q.toJson(questions.addObject()));
        transactions.executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO annotation_queues (id, workspace, name, spec, annotators_per_item, lease_ms, created_by, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(queue.id(), queue.workspace(), queue.name(), JsonBodies.JSON.writeValueAsString(spec),
                            queue.annotatorsPerItem(), queue.lease().toMillis(), queue.createdBy(), queue.createdAt().toEpochMilli())
                    .update();
            for (Lease item : items) {
                jdbc.sql("INSERT INTO annotation_items (queue_id, item_no, request_id, log_index) VALUES (?, ?, ?, ?)")
                        .params(queue.id(), item.item(), item.requestId(), item.logIndex()).update();
            }
        });
    }

    /** The queue {@code id} if it belongs to {@code workspace}. */
    Optional<AnnotationQueue> find(String workspace, String id) {
        return jdbc.sql("SELECT id, workspace, name, spec, annotators_per_item, lease_ms, created_by, created_at "
                        + "FROM annotation_queues WHERE id = ? AND workspace = ?")
                .params(id, workspace)
                .query((rs, n) -> {
                    JsonNode spec = JsonBodies.JSON.readTree(rs.getString("spec"));
                    return new AnnotationQueue(rs.getString("id"), rs.getString("workspace"), rs.getString("name"),
                            QueueFilter.read(spec.get("filter")), Question.readAll(spec.get("questions")),
                            rs.getInt("annotators_per_item"), Duration.ofMillis(rs.getLong("lease_ms")),
                            rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")));
                }).optional();
    }

    /**
     * Hands {@code annotator} the first item it has never held whose submitted answers and live
     * leases are fewer than the queue's quota, or nothing. A lease past its time counts for neither,
     * so its item goes back to others, but its row stays so the same annotator is not handed it again.
     */
    Optional<Lease> claim(AnnotationQueue queue, String annotator, Instant now) {
        return transactions.execute(status -> {
            if (dialect == Dialect.POSTGRESQL) {
                jdbc.sql("SELECT id FROM annotation_queues WHERE id = ? FOR UPDATE").param(queue.id()).query(String.class).single();
            }
            Optional<Lease> next = jdbc.sql("SELECT i.item_no, i.request_id, i.log_index FROM annotation_items i "
                            + "WHERE i.queue_id = ? "
                            + "AND NOT EXISTS (SELECT 1 FROM annotation_assignments a "
                            + "  WHERE a.queue_id = i.queue_id AND a.item_no = i.item_no AND a.annotator = ?) "
                            + "AND (SELECT COUNT(*) FROM annotation_assignments a WHERE a.queue_id = i.queue_id "
                            + "  AND a.item_no = i.item_no AND (a.state = 'done' OR a.lease_until > ?)) < ? "
                            + "ORDER BY i.item_no LIMIT 1")
                    .params(queue.id(), annotator, now.toEpochMilli(), queue.annotatorsPerItem())
                    .query((rs, n) -> new Lease(rs.getLong(1), rs.getString(2), rs.getLong(3), now.plus(queue.lease())))
                    .optional();
            next.ifPresent(lease -> jdbc.sql("INSERT INTO annotation_assignments "
                            + "(queue_id, item_no, annotator, state, claimed_at, lease_until) VALUES (?, ?, ?, 'leased', ?, ?)")
                    .params(queue.id(), lease.item(), annotator, now.toEpochMilli(), lease.until().toEpochMilli())
                    .update());
            return next;
        });
    }

    /** The item {@code annotator} holds on a live lease, or nothing. */
    Optional<Lease> held(String queue, long item, String annotator, Instant now) {
        return jdbc.sql("SELECT i.item_no, i.request_id, i.log_index, a.lease_until FROM annotation_assignments a "
                        + "JOIN annotation_items i ON i.queue_id = a.queue_id AND i.item_no = a.item_no "
                        + "WHERE a.queue_id = ? AND a.item_no = ? AND a.annotator = ? AND a.state = 'leased' AND a.lease_until > ?")
                .params(queue, item, annotator, now.toEpochMilli())
                .query((rs, n) -> new Lease(rs.getLong(1), rs.getString(2), rs.getLong(3), Instant.ofEpochMilli(rs.getLong(4))))
                .optional();
    }

    /**
     * Completes a live lease with its answers, or returns false when the lease is not (or no
     * longer) held; the answers are stored only with the completion.
     */
    boolean complete(String queue, long item, String annotator, List<Answer> answers, Instant now) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            int updated = jdbc.sql("UPDATE annotation_assignments SET state = 'done', submitted_at = ? "
                            + "WHERE queue_id = ? AND item_no = ? AND annotator = ? AND state = 'leased' AND lease_until > ?")
                    .params(now.toEpochMilli(), queue, item, annotator, now.toEpochMilli()).update();
            if (updated == 0) {
                return false;
            }
            for (Answer answer : answers) {
                jdbc.sql("INSERT INTO annotation_answers (queue_id, item_no, annotator, question, answer) VALUES (?, ?, ?, ?, ?)")
                        .params(queue, item, annotator, answer.question(), JsonBodies.JSON.writeValueAsString(answer.value()))
                        .update();
            }
            return true;
        }));
    }

    long items(String queue) {
        return jdbc.sql("SELECT COUNT(*) FROM annotation_items WHERE queue_id = ?").param(queue).query(Long.class).single();
    }

    /** Items that have all the submissions the queue asks for. */
    long itemsDone(String queue, int perItem) {
        return jdbc.sql("SELECT COUNT(*) FROM (SELECT item_no FROM annotation_assignments WHERE queue_id = ? AND state = 'done' "
                        + "GROUP BY item_no HAVING COUNT(*) >= ?) d")
                .params(queue, perItem).query(Long.class).single();
    }

    /** Per annotator (or only {@code annotator} when not null): submitted items and live leases. */
    List<AnnotatorProgress> progress(String queue, String annotator, Instant now) {
        String sql = "SELECT annotator, SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN state = 'leased' AND lease_until > ? THEN 1 ELSE 0 END) "
                + "FROM annotation_assignments WHERE queue_id = ?" + (annotator == null ? "" : " AND annotator = ?")
                + " GROUP BY annotator ORDER BY annotator";
        List<Object> params = annotator == null ? List.of(now.toEpochMilli(), queue) : List.of(now.toEpochMilli(), queue, annotator);
        return jdbc.sql(sql).params(params)
                .query((rs, n) -> new AnnotatorProgress(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
    }

    List<Answer> answers(String queue) {
        return jdbc.sql("SELECT item_no, annotator, question, answer FROM annotation_answers WHERE queue_id = ? ORDER BY item_no, annotator")
                .param(queue)
                .query((rs, n) -> new Answer(rs.getLong(1), rs.getString(2), rs.getString(3), JsonBodies.JSON.readTree(rs.getString(4))))
                .list();
    }
}
