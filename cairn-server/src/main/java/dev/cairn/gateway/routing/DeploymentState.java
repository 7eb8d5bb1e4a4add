package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * The health of one deployment ({@code <provider>/<model>}) in this process, shared by every group
 * that routes to it: its circuit breaker, its calls in flight, its moving average latency and this
 * minute's requests and tokens, and, through {@link SharedRouteState}, the blocks every process sees.
 */
public final class DeploymentState {

    /** The moving average's weight of the newest call. */
    private static final double ALPHA = 0.2;

    private final String name;
    private final CircuitBreaker breaker;
    private final SharedRouteState shared;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile double averageLatencyNanos;
    /** When this process's breaker may let a probe through; meaningful while it is open. */
    private volatile long openUntilMillis;
    private final AtomicLong minute = new AtomicLong();
    private final AtomicInteger requestsThisMinute = new AtomicInteger();
    private final AtomicLong tokensThisMinute = new AtomicLong();

    DeploymentState(String name, CircuitBreakerConfig config, Duration coolDown, SharedRouteState shared) {
        this.name = name;
        this.shared = shared;
        this.breaker = CircuitBreaker.of(name, config);
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN, FORCED_OPEN -> {
                    openUntilMillis = System.currentTimeMillis() + coolDown.toMillis();
                    shared.block(name, openUntilMillis, "open");
                }
                case CLOSED -> shared.unblock(name);
                default -> {
                }
            }
        });
    }

    public String name() {
        return name;
    }

    /**
     * CLOSED, OPEN or HALF_OPEN, as this process's breaker is (HALF_OPEN too once an open breaker's
     * cool-down is over); OPEN too while it is blocked for every process (another's breaker open, or
     * a cool-down its upstream asked for).
     */
    public String breakerState(long nowMillis) {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.CLOSED && shared.blockedUntil(name) > nowMillis) {
            return "OPEN";
        }
        if (state == CircuitBreaker.State.OPEN && nowMillis >= openUntilMillis && shared.blockedUntil(name) <= nowMillis) {
            // Its cool-down is over: the next call is a probe. The breaker moves only when a call asks
            // it to, so a deployment no request needs would otherwise read OPEN, and keep readiness
            // DEGRADED, for as long as it goes unasked.
            return "HALF_OPEN";
        }
        return state == CircuitBreaker.State.FORCED_OPEN ? "OPEN" : state.name();
    }

    /** Whether a call may be sent now: no block in force, and under the ceilings. */
    boolean available(long nowMillis, Integer rpm, Long tpm) {
        if (availableAt(nowMillis) > nowMillis) {
            return false;
        }
        if (rpm == null && tpm == null) {
            return true;
        }
        boolean thisMinute = minute.get() == nowMillis / 60_000;
        return (rpm == null || !thisMinute || requestsThisMinute.get() < rpm)
                && (tpm == null || !thisMinute || tokensThisMinute.get() < tpm);
    }

    /** The epoch millisecond from which the blocks allow a call: now or earlier when none is in force. */
    long availableAt(long nowMillis) {
        long open = breaker.getState() == CircuitBreaker.State.OPEN ? openUntilMillis : 0;
        return Math.max(open, shared.blockedUntil(name));
    }

    /** Asks the breaker for a call; false while it is open, or half-open with its probes out. */
    boolean acquire() {
        return breaker.tryAcquirePermission();
    }

    /** A call is going out. */
    void started(long nowMillis) {
        inFlight.incrementAndGet();
        long current = nowMillis / 60_000;
        long seen = minute.get();
        if (seen != current && minute.compareAndSet(seen, current)) {
            requestsThisMinute.set(0);
            tokensThisMinute.set(0);
        }
        requestsThisMinute.incrementAndGet();
    }

    /** The call answered (or the request was the client's fault, which says nothing against the upstream). */
    void succeeded(long latencyNanos, long tokens) {
        inFlight.decrementAndGet();
        breaker.onSuccess(latencyNanos, TimeUnit.NANOSECONDS);
        tokensThisMinute.addAndGet(tokens);
        average(latencyNanos);
    }

    /**
     * The upstream failed the call. Its latency stays out of the average: a deployment that refuses
     * connections in a millisecond would otherwise look the fastest to {@link Strategy#LOWEST_LATENCY}.
     */
    void failed(long latencyNanos, Throwable failure) {
        inFlight.decrementAndGet();
        breaker.onError(latencyNanos, TimeUnit.NANOSECONDS, failure);
    }

    /** The call ended for a reason that is neither the upstream's success nor its failure (the client left). */
    void released() {
        inFlight.decrementAndGet();
        breaker.releasePermission();
    }

    /**
     * The upstream asked to be left alone for {@code wait}: every process leaves it until then, the
     * epoch millisecond returned (so that the request that was asked can tell this block from others).
     */
    long coolDown(Duration wait) {
        long until = System.currentTimeMillis() + wait.toMillis();
        shared.block(name, until, "cooling");
        return until;
    }

    int inFlight() {
        return inFlight.get();
    }

    double averageLatencyNanos() {
        return averageLatencyNanos;
    }

    /** Racy on purpose: a lost update between two concurrent calls moves an average by a little. */
    private void average(long latencyNanos) {
        double previous = averageLatencyNanos;
        averageLatencyNanos = previous == 0 ? latencyNanos : previous + ALPHA * (latencyNanos - previous);
    }
}
