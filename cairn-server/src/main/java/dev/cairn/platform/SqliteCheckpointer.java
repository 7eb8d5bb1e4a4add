package dev.cairn.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Copies SQLite's write-ahead log into the database file from a thread of its own, so that no
 * commit pays for it. SQLite's own checkpoint runs inside the commit that crosses 1,000 pages: a
 * copy of 4 MB and a sync of the database file that every request waiting on that commit (the
 * audit log's, with sync durability) waits for too. Here a PASSIVE checkpoint every 100 ms copies
 * what has been committed without holding anyone up; a passive copy never lets the log start over
 * while commits keep coming, though, so once the log holds {@link #RESTART_PAGES} pages a RESTART
 * checkpoint, taken under the {@link WriteGate} and with little left to copy, makes the next
 * writer begin the log again from its start. Idle on PostgreSQL.
 */
@Component
public class SqliteCheckpointer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);
    /** Log pages (4 KB each) after which the log is made to start over: 64 MB. */
    static final int RESTART_PAGES = 16_384;
    /** SQLite's own checkpoint, kept as a backstop should this thread fall far behind: 256 MB. */
    static final int BACKSTOP_PAGES = 65_536;
    /** A log file that grew past this is cut back to it once it starts over; above the restart size, so that
     * a log that has started over is written in place and syncing it changes no file size. */
    static final long WAL_SIZE_LIMIT_BYTES = 128L << 20;
    private static final Duration INTERVAL = Duration.ofMillis(100);
    /** How long a RESTART waits for readers and foreign writers while it holds the gate. */
    private static final Duration RESTART_WAIT = Duration.ofMillis(100);

    private final DataSource dataSource;
    private final Dialect dialect;
    private final WriteGate gate;
    private final int restartPages;
    private PeriodicTask task;
    private Connection connection;

    @Autowired
    public SqliteCheckpointer(DataSource dataSource, Dialect dialect, WriteGate gate) {
        this(dataSource, dialect, gate, RESTART_PAGES);
    }

    /** For tests, which cannot wait for 64 MB of log. */
    SqliteCheckpointer(DataSource dataSource, Dialect dialect, WriteGate gate, int restartPages) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.gate = gate;
        this.restartPages = restartPages;
    }

    /** What a checkpoint reports: whether it was kept from finishing, and the pages in the log. */
    record Outcome(boolean busy, int logPages) {
    }

    @Override
    public synchronized void start() {
        if (dialect == Dialect.SQLITE && task == null) {
            task = PeriodicTask.start("cairn-sqlite-checkpoint", INTERVAL, INTERVAL, this::checkpoint);
        }
    }

    @Override
    public synchronized void stop() {
        if (task != null) {
            task.close();
            task = null;
        }
        closeConnection();
    }

    @Override
    public synchronized boolean isRunning() {
        return task != null;
    }

    /** One round: copy what is committed; let the log start over when it has grown long. */
    void checkpoint() {
        try {
            Outcome passive = run("PASSIVE");
            if (passive.logPages() >= restartPages) {
                Outcome restart;
                try (WriteGate.Held held = gate.hold()) {
                    restart = run("RESTART");
                }
                if (restart.busy()) {
                    log.debug("The SQLite log could not start over yet ({} pages): a reader or writer held on", restart.logPages());
                }
            }
        } catch (SQLException e) {
            log.warn("SQLite checkpoint failed; the next round tries again: {}", e.toString());
            closeConnection();
        }
    }

    /**
     * Copies the whole log into the database file and truncates the log to nothing, under the
     * {@link WriteGate} so that no commit of Cairn's races it: after rows were deleted, the log's
     * older frames would still hold the pages they were on. Waits up to {@code patience} for readers
     * to move past the log's end; false when one still held on (the log keeps its frames until the
     * next full checkpoint, and the caller says so). True and idle on PostgreSQL.
     */
    public boolean truncate(Duration patience) {
        if (dialect != Dialect.SQLITE) {
            return true;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        // A connection of its own: the periodic round uses its own from its own thread.
        try (Connection own = dataSource.getConnection(); WriteGate.Held held = gate.hold()) {
            SqliteBusyWait.install(own, RESTART_WAIT);
            try {
                while (true) {
                    if (!run(own, "TRUNCATE").busy()) {
                        return true;
                    }
                    if (System.nanoTime() > deadline) {
                        return false;
                    }
                    Thread.sleep(10);
                }
            } finally {
                SqliteBusyWait.install(own, DatabaseConfig.BUSY_TIMEOUT);
            }
        } catch (SQLException e) {
            log.warn("SQLite TRUNCATE checkpoint failed: {}", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Outcome run(String mode) throws SQLException {
        if (connection == null) {
            connection = dataSource.getConnection();
            SqliteBusyWait.install(connection, RESTART_WAIT);
        }
        return run(connection, mode);
    }

    private static Outcome run(Connection connection, String mode) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            result.next();
            return new Outcome(result.getInt(1) != 0, result.getInt(2));
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try (Connection c = connection) {
                // Back to the pool with the pool's own patience.
                SqliteBusyWait.install(c, DatabaseConfig.BUSY_TIMEOUT);
            } catch (SQLException e) {
                // The connection is being dropped anyway.
            }
            connection = null;
        }
    }
}
