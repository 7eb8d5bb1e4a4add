package dev.cairn.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.cairn.access.Principal;
import org.springframework.stereotype.Component;

/**
 * How many requests each key has in flight, against its {@code max-concurrent-requests}
 * ({@link LimitRules.Bounds}; a bound by default, so that one key's clients cannot take every
 * thread, connection and byte of memory for themselves). {@link #enter} takes a slot or refuses
 * with 429 {@code concurrency_limit_exceeded} and {@code Retry-After}; the slot is given back when
 * the request has ended, its stream included, whether it succeeded, failed or its client left.
 * Counted in this process: with several processes behind one address each allows the bound.
 */
@Component
public class KeyConcurrency {

    /** A slot is usually free again within a second: the refusal says to come back then. */
    static final long RETRY_AFTER_SECONDS = 1;

    private final LimitRules rules;
    private final LimitMetrics metrics;
    /** Keys with a request in flight; a key's entry goes when its last request ends, so the map holds only busy keys. */
    private final ConcurrentMap<String, Long> inFlight = new ConcurrentHashMap<>();

    KeyConcurrency(LimitRules rules, LimitMetrics metrics) {
        this.rules = rules;
        this.metrics = metrics;
    }

    /** One request's slot: given back once, by {@link #close}, however often that is called. */
    public static final class Slot implements AutoCloseable {

        /** For a request that holds none (refused before it took one). */
        public static final Slot NONE = new Slot(null, null);

        private final KeyConcurrency owner;
        private final String keyId;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Slot(KeyConcurrency owner, String keyId) {
            this.owner = owner;
            this.keyId = keyId;
        }

        @Override
        public void close() {
            if (owner != null && open.compareAndSet(true, false)) {
                owner.leave(keyId);
            }
        }
    }

    /** Takes one of the key's slots, or throws {@link LimitException} (429) when they are all taken. */
    public Slot enter(Principal principal) {
        long limit = rules.bounds(principal).maxConcurrentRequests();
        String keyId = principal.keyId();
        if (limit <= 0) {
            return Slot.NONE;
        }
        boolean[] admitted = {false};
        inFlight.compute(keyId, (id, count) -> {
            long now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            metrics.rejected(Dimension.KEY, "concurrency");
            throw LimitException.concurrencyExceeded(keyId, limit, RETRY_AFTER_SECONDS);
        }
        return new Slot(this, keyId);
    }

    /** The key's requests in flight now. */
    long inFlight(String keyId) {
        return inFlight.getOrDefault(keyId, 0L);
    }

    private void leave(String keyId) {
        inFlight.computeIfPresent(keyId, (id, count) -> count <= 1 ? null : count - 1);
    }
}
