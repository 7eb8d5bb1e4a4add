package dev.cairn.audit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.TileBuilder;
import dev.cairn.ledger.TileId;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit log's tables: entries, hash tiles, checkpoints. Times are epoch milliseconds, UTC. */
@Repository
public class AuditRepository {

    private static final String ENTRY_COLUMNS =
            "idx, event_id, type, created_at, workspace, key_id, trace_id, subject_id, data";

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final WriteGate gate;
    /** How the SQLite writer's log file is synced: the disk, or in tests a disk that fails. */
    private final WalSync.Forcer forcer;

    @Autowired
    public AuditRepository(DataSource dataSource, JdbcClient jdbc, WriteGate gate) {
        this(dataSource, jdbc, gate, WalSync.Forcer.DISK);
    }

    AuditRepository(DataSource dataSource, JdbcClient jdbc, WriteGate gate, WalSync.Forcer forcer) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.gate = gate;
        this.forcer = forcer;
    }

    /**
     * The one writer's connection, kept open with its statements prepared once, so that a commit
     * costs the rows it writes and nothing more. Each {@link #append} is one transaction: all or
     * nothing. Partial level-0 tiles are not stored: they are the entries' leaf hashes, read back
     * from those rows, so a commit does not rewrite an 8 KB tile.
     */
    public final class Writer implements AutoCloseable {

        private final Connection connection;
        private final PreparedStatement insert;
        private final PreparedStatement insertBlob;
        private final PreparedStatement upsertTile;
        /** Syncs this connection's commits when SQLite was asked to sync each one; null otherwise. */
        private final WalSync walSync;

        private Writer() throws SQLException {
            connection = dataSource.getConnection();
            try {
                walSync = syncsItsOwnCommits(connection);
                connection.setAutoCommit(false);
                insert = connection.prepareStatement(
                        "INSERT INTO audit_entries (" + ENTRY_COLUMNS + ", leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                insertBlob = connection.prepareStatement("INSERT INTO audit_blobs (idx, data) VALUES (?, ?)");
                upsertTile = connection.prepareStatement("INSERT INTO audit_tiles (level, idx, hashes) VALUES (?, ?, ?) "
                        + "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes");
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }

        /**
         * Runs {@code durable} once the last {@link #append} is on disk, or {@code failed} when that
         * cannot be known; on SQLite through {@link WalSync}, elsewhere at once, the commit having
         * been durable already.
         */
        public void afterDurable(Runnable durable, Consumer<Exception> failed) {
            if (walSync == null) {
                durable.run();
            } else {
                walSync.afterCommit(durable, failed);
            }
        }

        public void append(List<StoredEntry> entries, List<byte[]> leafHashes, List<TileBuilder.Tile> tiles)
                throws SQLException {
            try (WriteGate.Held held = gate.hold()) {
                write(entries, leafHashes, tiles);
            }
        }

        private void write(List<StoredEntry> entries, List<byte[]> leafHashes, List<TileBuilder.Tile> tiles)
                throws SQLException {
            try {
                boolean blobs = false;
                for (int i = 0; i < entries.size(); i++) {
                    StoredEntry entry = entries.get(i);
                    insert.setLong(1, entry.index());
                    insert.setString(2, entry.eventId());
                    insert.setString(3, entry.type());
                    insert.setLong(4, entry.createdAt().toEpochMilli());
                    insert.setString(5, entry.workspace());
                    insert.setString(6, entry.keyId());
                    insert.setString(7, entry.traceId());
                    insert.setString(8, entry.subjectId());
                    insert.setBytes(9, entry.data());
                    insert.setBytes(10, leafHashes.get(i));
                    insert.addBatch();
                    if (entry.blob() != null) {
                        insertBlob.setLong(1, entry.index());
                        insertBlob.setBytes(2, entry.blob());
                        insertBlob.addBatch();
                        blobs = true;
                    }
                }
                insert.executeBatch();
                if (blobs) {
                    insertBlob.executeBatch();
                }
                boolean anyTile = false;
                for (TileBuilder.Tile tile : tiles) {
                    if (tile.id().level() == 0 && tile.id().isPartial()) {
                        continue; // kept as the entries' leaf hashes
                    }
                    upsertTile.setInt(1, tile.id().level());
                    upsertTile.setLong(2, tile.id().index());
                    upsertTile.setBytes(3, tile.data());
                    upsertTile.addBatch();
                    anyTile = true;
                }
                if (anyTile) {
                    upsertTile.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        @Override
        public void close() {
            if (walSync != null) {
                walSync.close();
            }
            try (connection; insert; insertBlob; upsertTile) {
                connection.rollback();
                if (walSync != null) {
                    // Back to the pool as the pool's other connections are.
                    connection.setAutoCommit(true);
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("PRAGMA synchronous = " + walSync.restoreLevel());
                    }
                }
            } catch (SQLException e) {
                // The connection is going back to the pool or away; nothing is pending on it.
            }
        }
    }

    /**
     * On a SQLite connection set to sync every commit (FULL or EXTRA), switches it to NORMAL and
     * returns the {@link WalSync} that makes its commits durable instead; null on PostgreSQL or
     * when the operator chose NORMAL, where there is nothing to add.
     */
    private WalSync syncsItsOwnCommits(Connection connection) throws SQLException {
        if (Dialect.of(connection) != Dialect.SQLITE) {
            return null;
        }
        int level;
        Path file;
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA synchronous")) {
                level = rs.next() ? rs.getInt(1) : 0;
            }
            try (ResultSet rs = statement.executeQuery("PRAGMA database_list")) {
                file = rs.next() && rs.getString("file") != null && !rs.getString("file").isEmpty()
                        ? Path.of(rs.getString("file")) : null;
            }
            if (level < 2 || file == null) {
                return null; // NORMAL or OFF, or an in-memory database: no sync was asked for
            }
            statement.execute("PRAGMA synchronous = NORMAL");
        }
        return new WalSync(file.resolveSibling(file.getFileName() + "-wal"), level, forcer);
    }

    /** Opens the writer; the sequencer holds it for as long as it runs. */
    public Writer writer() throws SQLException {
        return new Writer();
    }

    /** How many entries the log holds. */
    public long size() {
        return jdbc.sql("SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_entries").query(Long.class).single();
    }

    /** The first {@code width} hashes of tile {@code level/index}, or null when the log has fewer. */
    public byte[] tile(int level, long index, int width) {
        byte[] hashes = jdbc.sql("SELECT hashes FROM audit_tiles WHERE level = ? AND idx = ?")
                .params(level, index).query(byte[].class).optional().orElse(null);
        int bytes = width * Hashes.SIZE;
        if (hashes != null && hashes.length >= bytes) {
            return hashes.length == bytes ? hashes : Arrays.copyOf(hashes, bytes);
        }
        return level == 0 ? leafHashes(index * TileId.WIDTH, width) : null;
    }

    /** Leaf hashes of {@code count} entries from {@code first}, concatenated, or null when fewer exist. */
    private byte[] leafHashes(long first, int count) {
        List<byte[]> hashes = jdbc.sql("SELECT leaf_hash FROM audit_entries WHERE idx >= ? AND idx < ? ORDER BY idx")
                .params(first, first + count).query(byte[].class).list();
        if (hashes.size() != count) {
            return null;
        }
        byte[] tile = new byte[count * Hashes.SIZE];
        for (int i = 0; i < count; i++) {
            System.arraycopy(hashes.get(i), 0, tile, i * Hashes.SIZE, Hashes.SIZE);
        }
        return tile;
    }

    /** The canonical bytes of entries {@code from} (inclusive) to {@code to} (exclusive), in order. */
    public List<byte[]> entryData(long from, long to) {
        return jdbc.sql("SELECT data FROM audit_entries WHERE idx >= ? AND idx < ? ORDER BY idx")
                .params(from, to).query(byte[].class).list();
    }

    public Optional<StoredEntry> findByEventId(String eventId) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit_entries WHERE event_id = ?")
                .param(eventId).query(AuditRepository::map).optional();
    }

    public Optional<StoredEntry> findByIndex(long index) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit_entries WHERE idx = ?")
                .param(index).query(AuditRepository::map).optional();
    }

    /** The smallest index whose entry is still in the database, or the log's size when none is. */
    public long firstHotIndex() {
        return jdbc.sql("SELECT COALESCE(MIN(idx), (SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_entries)) "
                + "FROM audit_entries WHERE data IS NOT NULL").query(Long.class).single();
    }

    /** When entry {@code index} was recorded. */
    public Optional<Instant> createdAt(long index) {
        return jdbc.sql("SELECT created_at FROM audit_entries WHERE idx = ?").param(index)
                .query(Long.class).optional().map(Instant::ofEpochMilli);
    }

    /** Sealed blobs of entries {@code from} (inclusive) to {@code to} (exclusive). */
    public List<AuditArchive.StoredBlob> blobs(long from, long to) {
        return jdbc.sql("SELECT idx, data FROM audit_blobs WHERE idx >= ? AND idx < ? ORDER BY idx")
                .params(from, to).query((rs, n) -> new AuditArchive.StoredBlob(rs.getLong(1), rs.getBytes(2))).list();
    }

    /** Drops the content of entries {@code from} to {@code to} once the archive holds it; hashes stay. */
    public void releaseArchived(long from, long to) {
        jdbc.sql("UPDATE audit_entries SET data = NULL WHERE idx >= ? AND idx < ?").params(from, to).update();
        jdbc.sql("DELETE FROM audit_blobs WHERE idx >= ? AND idx < ?").params(from, to).update();
    }

    /** The newest entry of a type, e.g. the last recorded configuration. */
    public Optional<StoredEntry> latestOfType(String type) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit_entries WHERE type = ? ORDER BY idx DESC LIMIT 1")
                .param(type).query(AuditRepository::map).optional();
    }

    public Optional<byte[]> blob(long index) {
        return jdbc.sql("SELECT data FROM audit_blobs WHERE idx = ?").param(index).query(byte[].class).optional();
    }

    /** Entries matching {@code filter}, oldest first, after {@code afterIndex}, at most {@code limit}. */
    public List<StoredEntry> list(EntryFilter filter, long afterIndex, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + ENTRY_COLUMNS + " FROM audit_entries WHERE idx > ?");
        List<Object> params = new ArrayList<>();
        params.add(afterIndex);
        condition(sql, params, "created_at >= ?", filter.from() == null ? null : filter.from().toEpochMilli());
        condition(sql, params, "created_at < ?", filter.to() == null ? null : filter.to().toEpochMilli());
        condition(sql, params, "type = ?", filter.type());
        condition(sql, params, "workspace = ?", filter.workspace());
        condition(sql, params, "key_id = ?", filter.keyId());
        condition(sql, params, "trace_id = ?", filter.traceId());
        sql.append(" ORDER BY idx LIMIT ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(AuditRepository::map).list();
    }

    public void insertCheckpoint(long size, String note, Instant at) {
        jdbc.sql("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING")
                .params(size, note, at.toEpochMilli()).update();
    }

    /** Every stored checkpoint note, smallest tree first. */
    public List<String> checkpoints() {
        return jdbc.sql("SELECT note FROM audit_checkpoints ORDER BY size").query(String.class).list();
    }

    /** The first and last index of entries created in [from, to), or empty when there are none. */
    public Optional<long[]> indexRange(Instant from, Instant to) {
        return jdbc.sql("SELECT MIN(idx), MAX(idx) FROM audit_entries WHERE created_at >= ? AND created_at < ?")
                .params(from.toEpochMilli(), to.toEpochMilli())
                .query((rs, n) -> {
                    long first = rs.getLong(1);
                    return rs.wasNull() ? null : new long[] {first, rs.getLong(2)};
                }).optional();
    }

    /** The newest entry of a type before entry {@code index}: the configuration in force when a period began. */
    public Optional<StoredEntry> latestOfTypeBefore(String type, long index) {
        return jdbc.sql("SELECT " + ENTRY_COLUMNS + " FROM audit_entries WHERE type = ? AND idx < ? ORDER BY idx DESC LIMIT 1")
                .params(type, index).query(AuditRepository::map).optional();
    }

    /** The index of the newest entry created before {@code time}, or empty when none was. */
    public Optional<Long> lastIndexBefore(Instant time) {
        return jdbc.sql("SELECT MAX(idx) FROM audit_entries WHERE created_at < ?").param(time.toEpochMilli())
                .query((rs, n) -> {
                    long index = rs.getLong(1);
                    return rs.wasNull() ? null : index;
                }).optional();
    }

    /** A stored checkpoint: the size of the tree it signs, its note, and when it was signed. */
    public record StoredCheckpoint(long size, String note, Instant createdAt) {
    }

    /** How many checkpoints were signed in [from, to). */
    public long countCheckpointsSigned(Instant from, Instant to) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_checkpoints WHERE created_at >= ? AND created_at < ?")
                .params(from.toEpochMilli(), to.toEpochMilli()).query(Long.class).single();
    }

    /**
     * At most {@code limit} of the non-empty checkpoints signed in [from, to), spread evenly over them
     * by size, smallest first: a period's many checkpoints picked without reading them all.
     */
    public List<StoredCheckpoint> checkpointsSpread(Instant from, Instant to, int limit) {
        String where = " FROM audit_checkpoints WHERE created_at >= ? AND created_at < ? AND size > 0";
        long count = jdbc.sql("SELECT COUNT(*)" + where).params(from.toEpochMilli(), to.toEpochMilli()).query(Long.class).single();
        List<StoredCheckpoint> picked = new ArrayList<>();
        for (int i = 0; i < Math.min(count, limit); i++) {
            long offset = count <= limit ? i : (long) i * (count - 1) / (limit - 1);
            jdbc.sql("SELECT size, note, created_at" + where + " ORDER BY size LIMIT 1 OFFSET ?")
                    .params(from.toEpochMilli(), to.toEpochMilli(), offset)
                    .query((rs, n) -> new StoredCheckpoint(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))))
                    .optional().ifPresent(picked::add);
        }
        return picked;
    }

    /** The largest stored non-empty checkpoint whose tree has at most {@code size} entries. */
    public Optional<StoredCheckpoint> checkpointAtMost(long size) {
        return jdbc.sql("SELECT size, note, created_at FROM audit_checkpoints WHERE size <= ? AND size > 0 ORDER BY size DESC LIMIT 1")
                .param(size)
                .query((rs, n) -> new StoredCheckpoint(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))))
                .optional();
    }

    public Optional<String> latestCheckpoint() {
        return jdbc.sql("SELECT note FROM audit_checkpoints ORDER BY size DESC LIMIT 1").query(String.class).optional();
    }

    /** When the checkpoint of tree size {@code size} was signed. */
    public Optional<Instant> checkpointCreatedAt(long size) {
        return jdbc.sql("SELECT created_at FROM audit_checkpoints WHERE size = ?").param(size)
                .query(Long.class).optional().map(Instant::ofEpochMilli);
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            params.add(value);
        }
    }

    private static StoredEntry map(ResultSet rs, int row) throws SQLException {
        return new StoredEntry(rs.getLong("idx"), rs.getString("event_id"), rs.getString("type"),
                Instant.ofEpochMilli(rs.getLong("created_at")), rs.getString("workspace"), rs.getString("key_id"),
                rs.getString("trace_id"), rs.getString("subject_id"), rs.getBytes("data"), null);
    }
}
