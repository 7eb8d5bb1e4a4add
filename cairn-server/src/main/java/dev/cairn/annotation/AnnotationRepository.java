package dev.cairn.annotation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

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
 * queue's row), so two claims never both see an item with one place left, and two claims that read
 * the same new stretch of the log do not both make items of it.
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

    /**
     * What a claim found in the log beyond the queue's pointer: applied in the claim's transaction
     * only if the queue's pointer and spec are still {@code from}'s, so a stretch of the log read
     * by two claims at once becomes items once, and a stretch read under a filter since changed never.
     */
    record Refill(Cursor from, LogScan.Result scan) {
    }

    /** How far a queue has read the log, under which spec (its filter and questions), and its state. */
    record Cursor(AnnotationQueue.State state, long scannedTo, String spec) {
    }

    /** Why an update did not happen. */
    enum Refusal { ARCHIVED, ANSWERED }

    private static final String COLUMNS = "id, workspace, name, description, instructions, spec, annotators_per_item, lease_ms, "
            + "state, created_by, created_at, updated_at";

    /** Stores a queue and its first items, both or neither. */
    void create(AnnotationQueue queue, LogScan.Result items) {
        transactions.executeWithoutResult(status -> {
            jdbc.sql("INSERT INTO annotation_queues (id, workspace, name, description, instructions, spec, annotators_per_item, "
                            + "lease_ms, state, created_by, created_at, scanned_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(queue.id(), queue.workspace(), queue.name(), queue.description(), queue.instructions(), spec(queue),
                            queue.annotatorsPerItem(), queue.lease().toMillis(), queue.state().wire(), queue.createdBy(),
                            queue.createdAt().toEpochMilli(), items.scannedTo())
                    .update();
            insertItems(queue.id(), 0, items.found());
        });
    }

    /** The queue {@code id} if it belongs to {@code workspace}, archived or not. */
    Optional<AnnotationQueue> find(String workspace, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM annotation_queues WHERE id = ? AND workspace = ?")
                .params(id, workspace).query((rs, n) -> queue(rs)).optional();
    }

    /** A workspace's queues in {@code states}, newest first, after the queue {@code afterId} when not null. */
    List<AnnotationQueue> list(String workspace, List<AnnotationQueue.State> states, String afterId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM annotation_queues WHERE workspace = ? AND state IN (");
        List<Object> params = new ArrayList<>(List.of(workspace));
        for (int i = 0; i < states.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
            params.add(states.get(i).wire());
        }
        sql.append(")");
        if (afterId != null) {
            sql.append(" AND id < ?");
            params.add(afterId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> queue(rs)).list();
    }

    /** Where the queue stands now, read without a lock: what a scan starts from. */
    Optional<Cursor> cursor(String queue) {
        return jdbc.sql("SELECT state, scanned_to, spec FROM annotation_queues WHERE id = ?").param(queue)
                .query((rs, n) -> cursor(rs)).optional();
    }

    /** The number of the queue's last item: its count, since items are numbered from 1 without gaps. */
    long lastItem(String queue) {
        return jdbc.sql("SELECT COALESCE(MAX(item_no), 0) FROM annotation_items WHERE queue_id = ?").param(queue)
                .query(Long.class).single();
    }

    /**
     * Changes a queue to {@code changed}. When {@code specChanged}, only if no answer was given
     * yet; with {@code items}, the queue's items, its leases among them, are replaced by those.
     * Returns why it did not, or empty when it did.
     */
    Optional<Refusal> update(AnnotationQueue queue, UnaryOperator<AnnotationQueue> change, boolean specChanged,
                             LogScan.Result items) {
        return transactions.execute(status -> {
            Cursor now = lockedCursor(queue.id());
            if (now.state() == AnnotationQueue.State.ARCHIVED) {
                return Optional.of(Refusal.ARCHIVED);
            }
            // Applied to the queue as it is now, under its lock: a PATCH racing another writes its own
            // fields onto the other's, never the other's fields back as they were before it.
            AnnotationQueue changed = change.apply(find(queue.workspace(), queue.id()).orElseThrow());
            if (specChanged && jdbc.sql("SELECT COUNT(*) FROM annotation_answers WHERE queue_id = ?").param(changed.id())
                    .query(Long.class).single() > 0) {
                return Optional.of(Refusal.ANSWERED);
            }
            if (items != null) {
                jdbc.sql("DELETE FROM annotation_assignments WHERE queue_id = ?").param(changed.id()).update();
                jdbc.sql("DELETE FROM annotation_items WHERE queue_id = ?").param(changed.id()).update();
                insertItems(changed.id(), 0, items.found());
                jdbc.sql("UPDATE annotation_queues SET scanned_to = ? WHERE id = ?").params(items.scannedTo(), changed.id()).update();
            }
            jdbc.sql("UPDATE annotation_queues SET name = ?, description = ?, instructions = ?, spec = ?, annotators_per_item = ?, "
                            + "lease_ms = ?, state = ?, updated_at = ? WHERE id = ?")
                    .params(changed.name(), changed.description(), changed.instructions(), spec(changed),
                            changed.annotatorsPerItem(), changed.lease().toMillis(), changed.state().wire(),
                            changed.updatedAt().toEpochMilli(), changed.id())
                    .update();
            return Optional.<Refusal>empty();
        });
    }

    /** Archives a queue: it hands out and takes nothing more; its items, leases and answers stay for reading. */
    void archive(String queue, Instant now) {
        jdbc.sql("UPDATE annotation_queues SET state = 'archived', updated_at = ? WHERE id = ? AND state <> 'archived'")
                .params(now.toEpochMilli(), queue).update();
    }

    /**
     * Takes in {@code refill} if it is still news, then hands {@code annotator} the first item it
     * has never held whose submitted answers and live leases are fewer than the queue's quota, or
     * nothing (also when the queue is no longer active). A lease past its time counts for neither,
     * so its item goes back to others, but its row stays so the same annotator is not handed it again.
     */
    Optional<Lease> claim(AnnotationQueue queue, String annotator, Instant now, Refill refill) {
        return transactions.execute(status -> {
            Cursor cursor = lockedCursor(queue.id());
            if (cursor.state() != AnnotationQueue.State.ACTIVE) {
                return Optional.<Lease>empty();
            }
            if (refill != null && refill.from().equals(cursor)) {
                insertItems(queue.id(), lastItem(queue.id()), refill.scan().found());
                jdbc.sql("UPDATE annotation_queues SET scanned_to = ? WHERE id = ?").params(refill.scan().scannedTo(), queue.id()).update();
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
            if (dialect == Dialect.POSTGRESQL) {
                // Shared: submissions do not wait for each other, but an update that replaces the items
                // (and holds the row FOR UPDATE) cannot run between this check and these answers.
                jdbc.sql("SELECT id FROM annotation_queues WHERE id = ? FOR SHARE").param(queue).query(String.class).single();
            }
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
        return lastItem(queue);
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

    /** How many items have at least one submission: the answers a spec change would orphan. */
    long answered(String queue) {
        return jdbc.sql("SELECT COUNT(DISTINCT item_no) FROM annotation_answers WHERE queue_id = ?").param(queue)
                .query(Long.class).single();
    }

    List<Answer> answers(String queue) {
        return jdbc.sql("SELECT item_no, annotator, question, answer FROM annotation_answers WHERE queue_id = ? ORDER BY item_no, annotator")
                .param(queue)
                .query((rs, n) -> new Answer(rs.getLong(1), rs.getString(2), rs.getString(3), JsonBodies.JSON.readTree(rs.getString(4))))
                .list();
    }

    /** Numbers {@code items} on from {@code last}, up to the queue's limit of items; the rest are left out. */
    private void insertItems(String queue, long last, List<LogScan.Candidate> items) {
        long number = last;
        for (LogScan.Candidate item : items) {
            if (number >= AnnotationService.MAX_ITEMS) {
                return;
            }
            number++;
            jdbc.sql("INSERT INTO annotation_items (queue_id, item_no, request_id, log_index) VALUES (?, ?, ?, ?)")
                    .params(queue, number, item.requestId(), item.logIndex()).update();
        }
    }

    /** The queue's cursor, its row locked on PostgreSQL (SQLite's transaction holds the write lock from its start). */
    private Cursor lockedCursor(String queue) {
        return jdbc.sql("SELECT state, scanned_to, spec FROM annotation_queues WHERE id = ?"
                        + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : ""))
                .param(queue).query((rs, n) -> cursor(rs)).single();
    }

    private static Cursor cursor(ResultSet rs) throws SQLException {
        return new Cursor(AnnotationQueue.State.parse(rs.getString(1)).orElseThrow(), rs.getLong(2), rs.getString(3));
    }

    private static AnnotationQueue queue(ResultSet rs) throws SQLException {
        JsonNode spec = JsonBodies.JSON.readTree(rs.getString("spec"));
        long updated = rs.getLong("updated_at");
        Instant updatedAt = rs.wasNull() ? null : Instant.ofEpochMilli(updated);
        return new AnnotationQueue(rs.getString("id"), rs.getString("workspace"), rs.getString("name"),
                rs.getString("description"), rs.getString("instructions"),
                QueueFilter.read(spec.get("filter")), Question.readAll(spec.get("questions")),
                rs.getInt("annotators_per_item"), Duration.ofMillis(rs.getLong("lease_ms")),
                AnnotationQueue.State.parse(rs.getString("state")).orElseThrow(),
                rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")), updatedAt);
    }

    /** The filter and questions as stored; written the same way every time, so that two reads of it compare equal. */
    private static String spec(AnnotationQueue queue) {
        ObjectNode spec = JsonBodies.JSON.createObjectNode();
        queue.filter().toJson(spec.putObject("filter"));
        var questions = spec.putArray("questions");
        queue.questions().forEach(q -> q.toJson(questions.addObject()));
        return JsonBodies.JSON.writeValueAsString(spec);
    }
}
