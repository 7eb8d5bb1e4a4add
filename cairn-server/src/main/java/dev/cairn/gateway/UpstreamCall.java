package dev.cairn.gateway;

import java.time.Duration;

import dev.cairn.platform.TraceContext;

/**
 * One call to an upstream: the trace to pass on, and the {@link System#nanoTime} instants by which
 * the whole answer and (for a stream) its first event must have arrived; {@link Long#MAX_VALUE}
 * where there is no such limit. The connect timeout is the provider's own.
 */
public record UpstreamCall(TraceContext trace, long deadlineNanos, long firstEventNanos) {

    /** A call limited only by the provider's connect and read timeouts. */
    public static UpstreamCall untimed(TraceContext trace) {
        return new UpstreamCall(trace, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** A call that must end within {@code total} and, streaming, send its first event within {@code firstEvent}; null for none. */
    public static UpstreamCall within(TraceContext trace, long deadlineNanos, Duration total, Duration firstEvent) {
        long now = System.nanoTime();
        long end = total == null ? deadlineNanos : Math.min(deadlineNanos, now + total.toNanos());
        long first = firstEvent == null ? Long.MAX_VALUE : Math.min(end, now + firstEvent.toNanos());
        return new UpstreamCall(trace, end, first);
    }
}
