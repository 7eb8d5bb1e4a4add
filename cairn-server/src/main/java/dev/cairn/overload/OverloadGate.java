package dev.cairn.overload;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.cairn.platform.GatewayMetrics;
import dev.cairn.usage.UsageLedger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides, before any work is done, whether Cairn takes a request on: it refuses when as many
 * requests are in flight as the limit allows (the limit adapts to the latency it measures, or is
 * fixed), or when the usage ledger has more events waiting for the database than it may, since an
 * admitted request would then wait for its row and likely time out. Every refusal is counted by its
 * reason; the last one's time tells readiness that Cairn is shedding.
 */
@Component
public class OverloadGate {

    /** Why a request was refused: the label of {@code cairn_overload_shed_total}. */
    public enum Reason {
        /** As many requests in flight as the limit allows. */
        IN_FLIGHT("in_flight"),
        /** The usage ledger's queue is longer than {@code cairn.overload.max-record-backlog}. */
        RECORD_BACKLOG("record_backlog");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A request let in: tell the gate how it ended, once. */
    public interface Ticket {
        /** It finished (whatever its status): its latency teaches the limit. */
        void finished();

        /** It failed in a way that says nothing of Cairn's load (an exception): not measured. */
        void ignored();
    }

    /** Either a ticket or the reason there is none. */
    public record Decision(Ticket ticket, Reason refused) {
    }

    private static final Ticket OPEN = new Ticket() {
        @Override
        public void finished() {
        }

        @Override
        public void ignored() {
        }
    };

    private final boolean enabled;
    private final SimpleLimiter<Void> limiter;
    private final IntSupplier recordBacklog;
    private final int maxRecordBacklog;
    private final GatewayMetrics metrics;
    private final AtomicLong shed = new AtomicLong();
    private volatile long lastShedNanos;

    @Autowired
    public OverloadGate(OverloadProperties config, UsageLedger usage, GatewayMetrics metrics) {
        this(config, usage::backlog, metrics);
    }

    /** @param recordBacklog how many usage events wait for the database */
    OverloadGate(OverloadProperties config, IntSupplier recordBacklog, GatewayMetrics metrics) {
        this.enabled = config.enabled();
        this.recordBacklog = recordBacklog;
        this.maxRecordBacklog = config.maxRecordBacklog();
        this.metrics = metrics;
        com.netflix.concurrency.limits.Limit limit = config.limit() == OverloadProperties.Limit.FIXED
                ? FixedLimit.of(config.maxInFlight())
                : Gradient2Limit.newBuilder()
                        .initialLimit(config.initialInFlight())
                        .minLimit(config.minInFlight())
                        .maxConcurrency(config.maxInFlight())
                        .build();
        this.limiter = SimpleLimiter.newBuilder().named("cairn").limit(limit).build();
        metrics.gauge("cairn.overload.limit", "Requests Cairn lets be in flight at once now", limiter::getLimit);
        metrics.gauge("cairn.overload.in_flight", "API requests in flight", limiter::getInflight);
    }

    /** Lets a request in, or says why not; a refused request has cost nothing yet. */
    public Decision admit() {
        if (!enabled) {
            return new Decision(OPEN, null);
        }
        if (recordBacklog.getAsInt() > maxRecordBacklog) {
            return refuse(Reason.RECORD_BACKLOG);
        }
        Optional<Limiter.Listener> listener = limiter.acquire(null);
        if (listener.isEmpty()) {
            return refuse(Reason.IN_FLIGHT);
        }
        Limiter.Listener taken = listener.get();
        return new Decision(new Ticket() {
            @Override
            public void finished() {
                taken.onSuccess();
            }

            @Override
            public void ignored() {
                taken.onIgnore();
            }
        }, null);
    }

    private Decision refuse(Reason reason) {
        shed.incrementAndGet();
        lastShedNanos = System.nanoTime();
        metrics.shed(reason.label());
        return new Decision(null, reason);
    }

    public boolean enabled() {
        return enabled;
    }

    public int limit() {
        return limiter.getLimit();
    }

    public int inFlight() {
        return limiter.getInflight();
    }

    /** Requests refused since start. */
    public long shed() {
        return shed.get();
    }

    /** Nanoseconds (of {@link System#nanoTime}) since the last refusal; Long.MAX_VALUE when none. */
    public long sinceLastShedNanos() {
        return shed.get() == 0 ? Long.MAX_VALUE : System.nanoTime() - lastShedNanos;
    }
}
