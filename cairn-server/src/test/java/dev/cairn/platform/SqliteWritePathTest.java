package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.junit.jupiter.api.io.TempDir;

/** SQLite's write path: how a blocked writer waits, IMMEDIATE transactions, the write gate, and checkpoints off the commit path. */
class SqliteWritePathTest {

    @TempDir
    Path dir;

    private DataSource sqlite() throws SQLException {
        DataSource source = DatabaseConfig.sqlite("jdbc:sqlite:" + dir.resolve("cairn.db"),
                new DatabaseProperties(null, null, null, 16, 4, "FULL"));
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)");
        }
        return source;
    }

    @Test
    void connectionsAreInWalModeAndSyncEveryCommit() throws SQLException {
        try (Connection c = sqlite().getConnection(); Statement s = c.createStatement()) {
            assertThat(single(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(s, "PRAGMA synchronous")).isEqualTo("2"); // FULL
            assertThat(single(s, "PRAGMA foreign_keys")).isEqualTo("1");
            assertThat(single(s, "PRAGMA wal_autocheckpoint")).isEqualTo(String.valueOf(SqliteCheckpointer.BACKSTOP_PAGES));
        }
    }

    @Test
    void aWriterThatMeetsAnotherOnesLockWaitsForItsCommit() throws Exception {
        DataSource source = sqlite();
        try (Connection holder = source.getConnection(); Connection waiter = source.getConnection()) {
            holder.setAutoCommit(false);
            insert(holder, 1);
            CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try {
                    insert(waiter, 2);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return System.nanoTime() - start;
            });
            Thread.sleep(150);
            assertThat(waited).isNotDone();
            holder.commit();
            assertThat(TimeUnit.NANOSECONDS.toMillis(waited.get(5, TimeUnit.SECONDS))).isGreaterThanOrEqualTo(140);
        }
    }

    @Test
    void aWaitGivesUpAtItsTimeout() throws Exception {
        DataSource source = sqlite();
        try (Connection holder = source.getConnection(); Connection waiter = source.getConnection()) {
            SqliteBusyWait.install(waiter, Duration.ofMillis(100));
            holder.setAutoCommit(false);
            insert(holder, 1);
            long start = System.nanoTime();
            assertThatThrownBy(() -> insert(waiter, 2)).isInstanceOf(SQLException.class).hasMessageContaining("BUSY");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(90L, 3_000L);
            holder.rollback();
        }
    }

    @Test
    void theGateAdmitsOneWriterAtATimeAndTheOpenGateAll() throws Exception {
        WriteGate gate = WriteGate.oneAtATime();
        CountDownLatch entered = new CountDownLatch(1);
        WriteGate.Held held = gate.hold();
        Thread other = Thread.ofVirtual().start(() -> {
            try (WriteGate.Held second = gate.hold()) {
                entered.countDown();
            }
        });
        assertThat(entered.await(100, TimeUnit.MILLISECONDS)).isFalse();
        try (WriteGate.Held open1 = WriteGate.OPEN.hold(); WriteGate.Held open2 = WriteGate.OPEN.hold()) {
            assertThat(open1).isNotNull(); // the open gate never waits, even inside itself
        }
        held.close();
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        other.join();
    }

    @Test
    void theCheckpointerCopiesTheLogAndMakesItStartOver() throws Exception {
        DataSource source = sqlite();
        SqliteCheckpointer checkpointer = new SqliteCheckpointer(source, Dialect.SQLITE, WriteGate.oneAtATime(), 200);
        try (Connection writer = source.getConnection()) {
            for (int i = 0; i < 300; i++) {
                insert(writer, i); // one 4 KB row, so a page or more, per commit
            }
            int grown = logPages(writer);
            assertThat(grown).as("SQLite's own checkpoint stays out of the way").isGreaterThan(300);

            checkpointer.checkpoint();
            insert(writer, 1_000); // the first commit after the RESTART begins the log again
            assertThat(logPages(writer)).isLessThan(20);

            for (int i = 1_001; i < 1_100; i++) {
                insert(writer, i);
            }
            checkpointer.checkpoint(); // below the restart size: copied, not restarted
            try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                rs.next();
                assertThat(rs.getInt(3)).as("every page copied").isEqualTo(rs.getInt(2));
            }
        } finally {
            checkpointer.stop();
        }
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT COUNT(*) FROM t")).isEqualTo("400");
        }
    }

    /**
     * A transaction that reads, then writes after another connection committed: begun DEFERRED (the
     * driver's way) it fails at once with SQLITE_BUSY; begun IMMEDIATE, the other writer waits.
     */
    @Test
    void transactionsThatWriteTakeTheWriteLockWhenTheyBegin() throws Exception {
        DataSource source = sqlite();
        assertThatThrownBy(() -> readThenWriteWhileAnotherCommits(source, new JdbcTransactionManager(source)))
                .hasRootCauseInstanceOf(SQLException.class).rootCause().hasMessageContaining("BUSY");
        readThenWriteWhileAnotherCommits(source, new SqliteTransactionManager(source));
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            assertThat(single(s, "SELECT COUNT(*) FROM t WHERE id >= 10")).as("the second run's two rows").isEqualTo("2");
        }
    }

    private static void readThenWriteWhileAnotherCommits(DataSource source, PlatformTransactionManager transactions)
            throws Exception {
        int base = transactions instanceof SqliteTransactionManager ? 10 : 0;
        CompletableFuture<Void> other = new CompletableFuture<>();
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            JdbcTemplate jdbc = new JdbcTemplate(source);
            jdbc.queryForObject("SELECT COUNT(*) FROM t", Integer.class);
            Thread.ofVirtual().start(() -> {
                try (Connection c = source.getConnection()) {
                    insert(c, base + 1);
                    other.complete(null);
                } catch (SQLException e) {
                    other.completeExceptionally(e);
                }
            });
            try {
                Thread.sleep(100); // the other commits now, or waits for this transaction's lock
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jdbc.update("INSERT INTO t (id, body) VALUES (?, randomblob(10))", base + 2);
        });
        other.get(5, TimeUnit.SECONDS);
    }

    private static void insert(Connection c, int id) throws SQLException {
        try (var statement = c.prepareStatement("INSERT INTO t (id, body) VALUES (?, randomblob(4000))")) {
            statement.setInt(1, id);
            statement.executeUpdate();
        }
    }

    /** Pages in the write-ahead log, as a checkpoint that copies nothing reports them. */
    private static int logPages(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(NOOP)")) {
            return rs.next() ? rs.getInt(2) : -1;
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
