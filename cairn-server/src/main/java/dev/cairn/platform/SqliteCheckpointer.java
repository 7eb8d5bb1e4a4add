package dev.cairn.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Moves SQLite's write-ahead log into the database file every second, off every request's path.
 * Connections have automatic checkpoints turned off (see {@link DatabaseConfig}); a PASSIVE
 * checkpoint here never blocks a writer. Does nothing on PostgreSQL.
 */
@Component
public class SqliteCheckpointer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SqliteCheckpointer.class);

    private final DataSource dataSource;
    private final boolean sqlite;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public SqliteCheckpointer(DataSource dataSource, CairnProperties properties) {
        this.dataSource = dataSource;
        String url = properties.db().url();
        this.sqlite = url == null || url.isBlank() || url.startsWith("jdbc:sqlite:");
    }

    /** Checkpoints now; returns the WAL frames still not in the database file. */
    public int checkpoint() {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            return result.next() ? result.getInt(2) - result.getInt(3) : 0;
        } catch (Exception e) {
            log.warn("SQLite checkpoint failed; it will be tried again", e);
            return -1;
        }
    }

    @Override
    public void start() {
        if (sqlite) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                    .name("cairn-sqlite-checkpoint").daemon().unstarted(r));
            scheduler.scheduleWithFixedDelay(this::checkpoint, 1, 1, TimeUnit.SECONDS);
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
            checkpoint(); // leave the database file complete
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the database's writers and stops after them, so its last checkpoint has everything. */
    @Override
    public int getPhase() {
        return -1;
    }
}
