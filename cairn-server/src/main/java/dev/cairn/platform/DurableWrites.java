package dev.cairn.platform;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * The rules shared by the writers that must not lose a record once its request is answered (usage
 * rows, memory turns): a failure that may pass (no connection yet, the database busy or away) is
 * retried until the record is written, with a growing pause; any other (a constraint, a bad
 * statement, a refused value) is not retried, and the request that waits for it fails. A request
 * waits at most {@link #RECORD_TIMEOUT} for its records, as it does for its audit entry.
 */
public final class DurableWrites {

    /** How long a request waits for its records before it is failed rather than answered. */
    public static final Duration RECORD_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_PAUSE_MILLIS = 2_000;

    private DurableWrites() {
    }

    /**
     * Whether retrying cannot help: anything but a failure to reach the database or to get its
     * lock in time (no connection from the pool, the database busy, locked, restarting, a commit
     * that failed on the way). A constraint, a bad statement or a bug fails the same way every
     * time, and retrying it would hold up every record queued behind it.
     */
    public static boolean permanent(RuntimeException e) {
        return !mayPass(e);
    }

    private static boolean mayPass(RuntimeException e) {
        if (e instanceof TransientDataAccessException || e instanceof RecoverableDataAccessException
                || e instanceof DataAccessResourceFailureException || e instanceof TransactionException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || (t instanceof SQLException sql && busy(sql))) {
                return true;
            }
        }
        return false;
    }

    /** SQLite's SQLITE_BUSY and SQLITE_LOCKED, which Spring leaves uncategorized. */
    private static boolean busy(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("SQLITE_BUSY") || message.contains("SQLITE_LOCKED");
    }

    /** The pause before attempt {@code attempt + 1}: 50 ms doubling to 2 s. */
    public static long pauseMillis(int attempt) {
        return Math.min(MAX_PAUSE_MILLIS, 50L << Math.min(attempt - 1, 6));
    }

    /**
     * Waits up to {@link #RECORD_TIMEOUT} for a record to be written; a failure or the timeout
     * becomes the {@link CairnException} {@code unavailable} makes of it (a 503), so the request
     * that waits is failed instead of answered.
     */
    public static void await(CompletableFuture<?> written, Function<Throwable, ? extends CairnException> unavailable) {
        try {
            written.get(RECORD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable.apply(e);
        } catch (ExecutionException e) {
            throw unavailable.apply(e.getCause());
        } catch (TimeoutException e) {
            throw unavailable.apply(e);
        }
    }
}
