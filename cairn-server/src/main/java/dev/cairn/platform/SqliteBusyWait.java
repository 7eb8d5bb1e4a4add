package dev.cairn.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConnection;

/**
 * How a SQLite connection waits when another one holds the lock it needs. SQLite's own busy
 * timeout sleeps 1, 2, 5, 10, 15, 20, 25, 50 and then 100 ms between tries, so a writer that meets
 * a commit of a fraction of a millisecond loses several milliseconds; this one tries again after
 * 20 µs at first and backs off to 1 ms only when the wait is long, up to the timeout. One instance
 * per connection: it remembers when the current wait began.
 */
final class SqliteBusyWait extends BusyHandler {

    private final long timeoutNanos;
    private long waitingSince;

    private SqliteBusyWait(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Installs a busy wait of at most {@code timeout} on a SQLite connection (or a pool's proxy of one). */
    static void install(Connection connection, Duration timeout) throws SQLException {
        BusyHandler.setHandler(connection.unwrap(SQLiteConnection.class), new SqliteBusyWait(timeout));
    }

    @Override
    protected int callback(int previousCalls) {
        long now = System.nanoTime();
        if (previousCalls == 0) {
            waitingSince = now;
        } else if (now - waitingSince >= timeoutNanos) {
            return 0; // give up: the statement fails with SQLITE_BUSY
        }
        LockSupport.parkNanos(previousCalls < 100 ? 20_000 : previousCalls < 300 ? 200_000 : 1_000_000);
        return 1;
    }
}
