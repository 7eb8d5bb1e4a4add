package dev.cairn.platform;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.jdbc.BadSqlGrammarException;

/**
 * The rules shared by the writers that must not lose a record once its request is answered (usage
 * rows, memory turns): a failure that may pass (no connection yet, the database busy or away) is
 * retried until the record is written, with a growing pause; one that cannot pass (a constraint, a
 * bad statement, a refused value) is not retried, and the request that waits for it fails. A request
 * waits at most {@link #RECORD_TIMEOUT} for its records, as it does for its audit entry.
 */
public final class DurableWrites {

    /** How long a request waits for its records before it is failed rather than answered. */
    public static final Duration RECORD_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_PAUSE_MILLIS = 2_000;

    private DurableWrites() {
    }

    /** Whether retrying cannot help: the same write would fail the same way. */
    public static boolean permanent(RuntimeException e) {
        return e instanceof DataIntegrityViolationException || e instanceof BadSqlGrammarException
                || e instanceof InvalidDataAccessApiUsageException || e instanceof CairnException
                || e instanceof IllegalArgumentException;
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
