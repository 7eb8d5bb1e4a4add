package dev.cairn.memory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.cairn.platform.Dialect;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for workspaces, threads and items. Every query names the workspace, so one workspace can
 * never read or change another's memory whatever ids a caller guesses. Items' content and
 * embeddings are stored sealed under their workspace's key and opened here, and the full-text
 * index holds only keyed hashes of their words ({@link WorkspaceKey}): nothing above this class
 * sees a sealed byte, nothing below it a clear word.
 */
@Repository
public class MemoryRepository {

    static final String ITEM_COLUMNS = "id, workspace, thread_id, kind, content, external_id, metadata, occurred_at, "
            + "salience, supersedes, retired_at, source, tokens, embedding_model, created_at, updated_at, content_sealed";
    private static final String INSERT_COLUMNS = ITEM_COLUMNS + ", terms";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final Dialect dialect;
    private final MemoryKeys keys;

    public MemoryRepository(JdbcClient jdbc, JdbcTemplate template, Dialect dialect, MemoryKeys keys) {
        this.jdbc = jdbc;
        this.template = template;
        this.dialect = dialect;
        this.keys = keys;
    }

    // --- workspaces ------------------------------------------------------------------------------

    /** The workspace's row, created with defaults on first use. */
    public MemoryWorkspace ensureWorkspace(String id) {
        long now = System.currentTimeMillis();
        jdbc.sql("INSERT INTO memory_workspaces (id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
                .params(id, now, now).update();
        return workspace(id).orElseThrow();
    }

    public Optional<MemoryWorkspace> workspace(String id) {
        return jdbc.sql("SELECT * FROM memory_workspaces WHERE id = ?").param(id).query(MemoryRepository::workspaceRow).optional();
    }

    public List<MemoryWorkspace> workspaces(String after, int limit) {
        return jdbc.sql("SELECT * FROM memory_workspaces WHERE id > ? ORDER BY id LIMIT ?")
                .params(after == null ? "" : after, limit).query(MemoryRepository::workspaceRow).list();
    }

    public void updateWorkspace(String id, String metadata, boolean recallDefault, Integer recallTokenBudget) {
        jdbc.sql("UPDATE memory_workspaces SET metadata = ?, recall_default = ?, recall_token_budget = ?, updated_at = ? WHERE id = ?")
                .params(metadata, recallDefault, recallTokenBudget, System.currentTimeMillis(), id).update();
    }

    /** Deletes the workspace's items, threads and settings. */
    /** What deleting a workspace's memory removed: its threads and items (the counts the audit entry records). */
    public record Removed(int threads, int items) {
    }

    public Removed deleteWorkspace(String id) {
        int items = jdbc.sql("DELETE FROM memory_items WHERE workspace = ?").param(id).update();
        int threads = jdbc.sql("DELETE FROM memory_threads WHERE workspace = ?").param(id).update();
        jdbc.sql("DELETE FROM memory_workspaces WHERE id = ?").param(id).update();
        keys.destroy(id);
        return new Removed(threads, items);
    }

    // --- threads ---------------------------------------------------------------------------------

    /** Inserts a thread; false when the workspace already has one with that id. */
    public boolean insertThread(MemoryThread thread) {
        return jdbc.sql("INSERT INTO memory_threads (id, workspace, name, metadata, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace, id) DO NOTHING")
                .params(thread.id(), thread.workspace(), thread.name(), thread.metadata(),
                        thread.createdAt().toEpochMilli(), thread.updatedAt().toEpochMilli())
                .update() == 1;
    }

    public Optional<MemoryThread> thread(String workspace, String id) {
        return jdbc.sql("SELECT * FROM memory_threads WHERE workspace = ? AND id = ?").params(workspace, id)
                .query(MemoryRepository::threadRow).optional();
    }

    public List<MemoryThread> threads(String workspace, String after, int limit) {
        return jdbc.sql("SELECT * FROM memory_threads WHERE workspace = ? AND id > ? ORDER BY id LIMIT ?")
                .params(workspace, after == null ? "" : after, limit).query(MemoryRepository::threadRow).list();
    }

    public void updateThread(String workspace, String id, String name, String metadata) {
        jdbc.sql("UPDATE memory_threads SET name = ?, metadata = ?, updated_at = ? WHERE workspace = ? AND id = ?")
                .params(name, metadata, System.currentTimeMillis(), workspace, id).update();
    }

    /** Deletes the thread and its items; returns how many items went with it. */
    public int deleteThread(String workspace, String id) {
        int items = jdbc.sql("DELETE FROM memory_items WHERE workspace = ? AND thread_id = ?").params(workspace, id).update();
        jdbc.sql("DELETE FROM memory_threads WHERE workspace = ? AND id = ?").params(workspace, id).update();
        return items;
    }

    /** The ids of every thread of the workspace (to forget their cached windows). */
    public List<String> threadIds(String workspace) {
        return jdbc.sql("SELECT id FROM memory_threads WHERE workspace = ?").param(workspace).query(String.class).list();
    }

    // --- items -----------------------------------------------------------------------------------

    /** Stores items of no data subject. */
    public void insertItems(List<MemoryItem> items) {
        insertItems(items, null);
    }

    /** Stores items; {@code subjectId} is the data subject they are about (its pseudonym; null: none), for erasure. */
    public void insertItems(List<MemoryItem> items, String subjectId) {
        template.batchUpdate("INSERT INTO memory_items (" + INSERT_COLUMNS + ", subject_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                items, 500, (ps, item) -> {
                    WorkspaceKey key = keys.of(item.workspace());
                    ps.setString(1, item.id());
                    ps.setString(2, item.workspace());
                    ps.setString(3, item.threadId());
                    ps.setString(4, item.kind().wireName());
                    ps.setString(5, "");
                    ps.setString(6, item.externalId());
                    ps.setString(7, item.metadata());
                    ps.setLong(8, item.occurredAt().toEpochMilli());
                    ps.setDouble(9, item.salience());
                    ps.setString(10, item.supersedes());
                    setInstant(ps, 11, item.retiredAt());
                    ps.setString(12, item.source());
                    ps.setInt(13, item.tokens());
                    ps.setString(14, item.embeddingModel());
                    ps.setLong(15, item.createdAt().toEpochMilli());
                    ps.setLong(16, item.updatedAt().toEpochMilli());
                    ps.setBytes(17, key.seal(item.content(), item.id()));
                    ps.setString(18, indexTerms(key, item.content()));
                    ps.setString(19, subjectId);
                });
    }

    public Optional<MemoryItem> item(String workspace, String id) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM memory_items WHERE workspace = ? AND id = ?")
                .params(workspace, id).query(this::itemRow).optional();
    }

    /**
     * The items with these ids in the workspace, keyed by id; missing ids are left out. Looked up
     * by id alone and checked for the workspace here: given both, SQLite's planner would walk the
     * whole workspace by its index instead of picking the few ids.
     */
    public Map<String, MemoryItem> items(String workspace, Collection<String> ids) {
        Map<String, MemoryItem> found = new LinkedHashMap<>();
        inChunks(ids, chunk -> jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM memory_items WHERE id IN (" + marks(chunk) + ")")
                .params(List.copyOf(chunk)).query(this::itemRow).list())
                .forEach(item -> {
                    if (item.workspace().equals(workspace)) {
                        found.put(item.id(), item);
                    }
                });
        return found;
    }

    /** Items the external ids already name in the workspace: external id to item id. */
    public Map<String, String> externalIds(String workspace, Collection<String> externalIds) {
        Map<String, String> found = new LinkedHashMap<>();
        inChunks(externalIds, chunk -> {
            List<Object> params = new ArrayList<>(chunk.size() + 1);
            params.add(workspace);
            params.addAll(chunk);
            return jdbc.sql("SELECT external_id, id FROM memory_items WHERE workspace = ? AND external_id IN (" + marks(chunk) + ")")
                    .params(params).query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list();
        }).forEach(e -> found.put(e.getKey(), e.getValue()));
        return found;
    }

    /** A page of items in id (creation) order, after the cursor, narrowed by the filter. */
    public List<MemoryItem> listItems(String workspace, ItemFilter filter, String after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + ITEM_COLUMNS + " FROM memory_items WHERE workspace = ? AND id > ?");
        List<Object> params = new ArrayList<>(List.of(workspace, after == null ? "" : after));
        filter.appendTo(sql, params);
        sql.append(" ORDER BY id LIMIT ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(this::itemRow).list();
    }

    /**
     * The message turns just before and just after each of these items in its thread (by
     * {@code occurred_at}, then id), as pairs of (item id, neighbour); one statement for them all,
     * each part a range on the (workspace, thread_id, occurred_at, id) index.
     */
    public List<Map.Entry<String, MemoryItem>> neighbours(String workspace, List<MemoryItem> items) {
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        int n = 0;
        for (MemoryItem item : items) {
            if (item.threadId() == null) {
                continue;
            }
            for (boolean before : new boolean[] {true, false}) {
                String direction = before ? "DESC" : "ASC";
                sql.append(sql.isEmpty() ? "" : " UNION ALL ").append("SELECT * FROM (SELECT CAST(? AS TEXT) AS of_id, ").append(ITEM_COLUMNS)
                        .append(" FROM memory_items WHERE workspace = ? AND thread_id = ? AND (occurred_at, id) ").append(before ? "<" : ">")
                        .append(" (?, ?) AND kind = 'message' ORDER BY occurred_at ").append(direction).append(", id ")
                        .append(direction).append(" LIMIT 1) n").append(n++);
                params.addAll(List.of(item.id(), workspace, item.threadId(), item.occurredAt().toEpochMilli(), item.id()));
            }
        }
        if (sql.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(sql.toString()).params(params)
                .query((rs, row) -> Map.entry(rs.getString("of_id"), itemRow(rs, row))).list();
    }

    /** The last {@code limit} live turns of a thread, oldest first. */
    public List<MemoryItem> recentTurns(String workspace, String threadId, int limit) {
        List<MemoryItem> newestFirst = jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM memory_items WHERE workspace = ? AND thread_id = ? "
                        + "AND kind = 'message' AND retired_at IS NULL ORDER BY occurred_at DESC, id DESC LIMIT ?")
                .params(workspace, threadId, limit).query(this::itemRow).list();
        return newestFirst.reversed();
    }

    /** Updates the item; its content is sealed and indexed again only when it changed (the embedding job compares the sealed bytes). */
    public void updateItem(MemoryItem item, boolean contentChanged) {
        List<Object> params = new ArrayList<>(Arrays.asList(item.threadId(), item.kind().wireName(), item.metadata(),
                item.occurredAt().toEpochMilli(), item.salience()));
        params.add(item.supersedes());
        params.add(item.retiredAt() == null ? null : item.retiredAt().toEpochMilli());
        params.add(item.tokens());
        params.add(item.updatedAt().toEpochMilli());
        if (contentChanged) {
            WorkspaceKey key = keys.of(item.workspace());
            params.add(key.seal(item.content(), item.id()));
            params.add(indexTerms(key, item.content()));
        }
        params.add(item.workspace());
        params.add(item.id());
        jdbc.sql("UPDATE memory_items SET thread_id = ?, kind = ?, metadata = ?, occurred_at = ?, salience = ?, "
                        + "supersedes = ?, retired_at = ?, tokens = ?, updated_at = ?"
                        + (contentChanged ? ", content = '', content_sealed = ?, terms = ?, embedding = NULL, embedding_model = NULL" : "")
                        + " WHERE workspace = ? AND id = ?")
                .params(params)
                .update();
    }

    /** Whether any workspace holds any item, retired ones included. */
    public boolean hasItems() {
        return jdbc.sql("SELECT 1 FROM memory_items LIMIT 1").query(Integer.class).optional().isPresent();
    }

    public boolean deleteItem(String workspace, String id) {
        return jdbc.sql("DELETE FROM memory_items WHERE workspace = ? AND id = ?").params(workspace, id).update() == 1;
    }

    // --- erasure ---------------------------------------------------------------------------------

    /** A data subject's items as erasure needs them: the threads to forget and the user turns whose query vectors to drop. */
    public record SubjectItem(String id, String threadId, String content) {
    }

    public List<SubjectItem> subjectItems(String workspace, String subjectId) {
        return jdbc.sql("SELECT id, thread_id, content, content_sealed FROM memory_items WHERE subject_id = ? AND workspace = ?")
                .params(subjectId, workspace).query((rs, n) -> {
                    byte[] sealed = rs.getBytes(4);
                    String id = rs.getString(1);
                    return new SubjectItem(id, rs.getString(2), sealed == null ? rs.getString(3) : keys.of(workspace).open(sealed, id));
                })
                .list();
    }

    /**
     * Deletes the subject's items, then those of {@code threads} that no item is left on (see
     * docs: a thread the erasure empties held only the subject's conversation, and its client-chosen
     * id and name may name them). In the caller's transaction.
     */
    public Removed deleteSubject(String workspace, String subjectId, Collection<String> threads) {
        int items = jdbc.sql("DELETE FROM memory_items WHERE subject_id = ? AND workspace = ?").params(subjectId, workspace).update();
        int emptied = 0;
        for (String thread : threads) {
            emptied += jdbc.sql("DELETE FROM memory_threads WHERE workspace = ? AND id = ? AND NOT EXISTS "
                            + "(SELECT 1 FROM memory_items WHERE workspace = ? AND thread_id = ?)")
                    .params(workspace, thread, workspace, thread).update();
        }
        return new Removed(emptied, items);
    }

    /**
     * Rewrites the full-text index after deletions, so that none of its segments still holds a
     * deleted item's terms: FTS5 records a deletion as a marker in a new segment and keeps the old
     * one until segments merge; {@code optimize} merges them all now. PostgreSQL's GIN index is
     * cleaned by VACUUM instead. Returns whether anything was done.
     */
    public boolean compactFullText() {
        if (dialect != Dialect.SQLITE) {
            return false;
        }
        jdbc.sql("INSERT INTO memory_items_fts (memory_items_fts) VALUES ('optimize')").update();
        return true;
    }

    // --- embeddings ------------------------------------------------------------------------------

    /**
     * An item whose text is to be embedded, with what the vector index keeps of it; {@code sealed}
     * is its content as stored, which storing the vector checks is still there.
     */
    public record PendingText(long seq, String id, String workspace, String threadId, ItemKind kind, long occurredAt,
                              boolean retired, String content, byte[] sealed) {
    }

    private static final String PENDING_COLUMNS = "seq, id, workspace, thread_id, kind, occurred_at, retired_at, content, content_sealed";

    private PendingText pendingRow(ResultSet rs, int n) throws SQLException {
        byte[] sealed = rs.getBytes(9);
        String id = rs.getString(2);
        String workspace = rs.getString(3);
        return new PendingText(rs.getLong(1), id, workspace, rs.getString(4), ItemKind.stored(rs.getString(5)),
                rs.getLong(6), rs.getObject(7) != null, sealed == null ? rs.getString(8) : keys.of(workspace).open(sealed, id), sealed);
    }

    /**
     * Items the model has not embedded, yet or since their content or the model changed, in
     * storage order after {@code afterSeq}: a sweep walks forward, past items that fail.
     */
    public List<PendingText> pendingEmbeddings(String model, long afterSeq, int limit) {
        return jdbc.sql("SELECT " + PENDING_COLUMNS + " FROM memory_items WHERE seq > ? "
                        + "AND (embedding_model IS NULL OR embedding_model <> ?) ORDER BY seq LIMIT ?")
                .params(afterSeq, model, limit).query(this::pendingRow).list();
    }

    /** Those of these items the model has not embedded. */
    public List<PendingText> pendingEmbeddings(String model, Collection<String> ids) {
        return inChunks(ids, chunk -> {
            List<Object> params = new ArrayList<>(chunk);
            params.add(model);
            return jdbc.sql("SELECT " + PENDING_COLUMNS + " FROM memory_items WHERE id IN (" + marks(chunk) + ") "
                            + "AND (embedding_model IS NULL OR embedding_model <> ?) ORDER BY seq")
                    .params(params).query(this::pendingRow).list();
        });
    }

    /**
     * Stores embeddings, sealed under their workspace's key, except where the item's content
     * changed since it was read (it is pending again), it is not sealed yet (the re-sealing will
     * make it pending again) or the item is gone; returns, per item, whether its vector was stored.
     */
    public boolean[] storeEmbeddings(String model, List<PendingText> texts, List<byte[]> vectors) {
        int[] counts = template.batchUpdate("UPDATE memory_items SET embedding = ?, embedding_model = ? WHERE id = ? AND content_sealed = ?",
                new AbstractList<Object[]>() {
                    @Override
                    public Object[] get(int i) {
                        PendingText text = texts.get(i);
                        byte[] sealed = text.sealed() == null ? null : keys.of(text.workspace()).sealEmbedding(vectors.get(i), text.id());
                        return new Object[] {sealed, model, text.id(), text.sealed()};
                    }

                    @Override
                    public int size() {
                        return texts.size();
                    }
                });
        boolean[] stored = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            stored[i] = counts[i] != 0; // JDBC may report SUCCESS_NO_INFO (-2) for a row it did update
        }
        return stored;
    }

    /** Everything the vector index keeps of an embedded item, with its vector. */
    public record EmbeddedRow(String id, String threadId, ItemKind kind, long occurredAt, boolean retired,
                              byte[] embedding) {
    }

    /** The workspace's vectors from this model, opened (a row not yet re-sealed holds its vector in clear). */
    public void forEachEmbedded(String workspace, String model, Consumer<EmbeddedRow> consumer) {
        WorkspaceKey key = keys.of(workspace);
        jdbc.sql("SELECT id, thread_id, kind, occurred_at, retired_at, embedding, content_sealed IS NOT NULL FROM memory_items "
                        + "WHERE workspace = ? AND embedding_model = ? ORDER BY seq")
                .params(workspace, model)
                .query((ResultSet rs) -> {
                    consumer.accept(embeddedRow(key, rs));
                });
    }

    /** One item's vector from this model, opened; empty when it has none from it. */
    public Optional<EmbeddedRow> embedded(String workspace, String model, String id) {
        WorkspaceKey key = keys.of(workspace);
        return jdbc.sql("SELECT id, thread_id, kind, occurred_at, retired_at, embedding, content_sealed IS NOT NULL FROM memory_items "
                        + "WHERE workspace = ? AND id = ? AND embedding_model = ?")
                .params(workspace, id, model)
                .query((rs, n) -> embeddedRow(key, rs))
                .optional();
    }

    private static EmbeddedRow embeddedRow(WorkspaceKey key, ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        byte[] embedding = rs.getBytes(6);
        return new EmbeddedRow(id, rs.getString(2), ItemKind.stored(rs.getString(3)),
                rs.getLong(4), rs.getObject(5) != null, rs.getBoolean(7) ? key.openEmbedding(embedding, id) : embedding);
    }

    // --- full text -------------------------------------------------------------------------------

    /** An item id and its full-text score (higher is better). */
    public record TextHit(String id, double score) {
    }

    /**
     * Items matching any of the query's (stemmed) terms, best first: BM25 over SQLite FTS5,
     * ts_rank_cd over PostgreSQL's tsvector, both over the terms' keyed hashes, made as the items'
     * were. The hashes are letters only, and quoted besides, so no user text is ever read as query syntax.
     */
    public List<TextHit> fullText(String workspace, List<String> stems, ItemFilter filter, int limit) {
        if (stems.isEmpty()) {
            return List.of();
        }
        List<String> terms = List.of(keys.of(workspace).terms(stems).split(" "));
        List<Object> params = new ArrayList<>();
        StringBuilder sql;
        if (dialect == Dialect.SQLITE) {
            String match = String.join(" OR ", terms.stream().map(t -> "\"" + t.replace("\"", "\"\"") + "\"").toList());
            // FTS5's rank column (BM25 by default) sorts inside the index; ORDER BY bm25() takes twice as long.
            sql = new StringBuilder("SELECT i.id, -f.rank AS score FROM memory_items_fts f "
                    + "JOIN memory_items i ON i.seq = f.rowid WHERE f.memory_items_fts MATCH ? AND i.workspace = ?");
            params.add(match);
            params.add(workspace);
            filter.appendTo(sql, params, "i.");
            sql.append(" ORDER BY f.rank LIMIT ?");
        } else {
            String query = String.join(" | ", terms.stream().map(t -> "'" + t.replace("'", "''").replace("\\", "\\\\") + "'").toList());
            sql = new StringBuilder("SELECT i.id, ts_rank_cd(i.terms_tsv, q) AS score FROM memory_items i, "
                    + "to_tsquery('simple', ?) q WHERE i.terms_tsv @@ q AND i.workspace = ?");
            params.add(query);
            params.add(workspace);
            filter.appendTo(sql, params, "i.");
            sql.append(" ORDER BY score DESC LIMIT ?");
        }
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new TextHit(rs.getString(1), rs.getDouble(2))).list();
    }

    // --- sealing rows written before content was sealed (V23) ------------------------------------

    /** An item stored in clear by an earlier version: its text and (clear) embedding, if any. */
    public record Unsealed(long seq, String id, String workspace, String content, byte[] embedding) {
    }

    /** Items not sealed yet, in storage order after {@code afterSeq}. */
    public List<Unsealed> unsealed(long afterSeq, int limit) {
        return jdbc.sql("SELECT seq, id, workspace, content, embedding FROM memory_items WHERE seq > ? AND content_sealed IS NULL "
                        + "ORDER BY seq LIMIT ?")
                .params(afterSeq, limit)
                .query((rs, n) -> new Unsealed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5)))
                .list();
    }

    /**
     * Seals these items' content and embeddings and replaces their words in the index by keyed
     * hashes; a row sealed meanwhile (by another process) is left alone, so running twice is harmless.
     */
    public void seal(List<Unsealed> rows) {
        template.batchUpdate("UPDATE memory_items SET content = '', content_sealed = ?, terms = ?, embedding = ? "
                        + "WHERE seq = ? AND content_sealed IS NULL",
                rows, 500, (ps, row) -> {
                    WorkspaceKey key = keys.of(row.workspace());
                    ps.setBytes(1, key.seal(row.content(), row.id()));
                    ps.setString(2, indexTerms(key, row.content()));
                    ps.setBytes(3, row.embedding() == null ? null : key.sealEmbedding(row.embedding(), row.id()));
                    ps.setLong(4, row.seq());
                });
    }

    /**
     * Rewrites the database's files so the clear text the sealed rows replaced leaves them: SQLite
     * copies the database afresh (VACUUM) and empties its WAL; PostgreSQL rewrites the table
     * (VACUUM FULL). Once, after the upgrade's re-sealing.
     */
    public void reclaimClearPages() {
        if (dialect == Dialect.SQLITE) {
            template.execute("VACUUM");
            template.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } else {
            template.execute("VACUUM FULL memory_items");
        }
    }

    /** Runs a query per 500 values (well under every driver's parameter limit) and joins the results. */
    private static <T> List<T> inChunks(Collection<String> values, Function<List<String>, List<T>> query) {
        List<String> all = List.copyOf(values);
        List<T> results = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 500) {
            results.addAll(query.apply(all.subList(from, Math.min(all.size(), from + 500))));
        }
        return results;
    }

    private static String marks(List<String> values) {
        return String.join(", ", Collections.nCopies(values.size(), "?"));
    }

    // --- rows ------------------------------------------------------------------------------------

    private static MemoryWorkspace workspaceRow(ResultSet rs, int n) throws SQLException {
        int stored = rs.getInt("recall_token_budget");
        Integer budget = rs.wasNull() ? null : stored;
        return new MemoryWorkspace(rs.getString("id"), rs.getString("metadata"), rs.getBoolean("recall_default"),
                budget, instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static MemoryThread threadRow(ResultSet rs, int n) throws SQLException {
        return new MemoryThread(rs.getString("id"), rs.getString("workspace"), rs.getString("name"), rs.getString("metadata"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    /** The words' index terms: their stems' keyed hashes, in order. */
    static String indexTerms(WorkspaceKey key, String content) {
        return key.terms(Words.stems(Words.of(content)));
    }

    private MemoryItem itemRow(ResultSet rs, int n) throws SQLException {
        String id = rs.getString("id");
        String workspace = rs.getString("workspace");
        byte[] sealed = rs.getBytes("content_sealed");
        String content = sealed == null ? rs.getString("content") : keys.of(workspace).open(sealed, id);
        return new MemoryItem(id, workspace, rs.getString("thread_id"),
                ItemKind.stored(rs.getString("kind")), content, rs.getString("external_id"),
                rs.getString("metadata"), instant(rs, "occurred_at"), rs.getDouble("salience"), rs.getString("supersedes"),
                instant(rs, "retired_at"), rs.getString("source"), rs.getInt("tokens"), rs.getString("embedding_model"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }
}
