package dev.cairn.overload;

import java.time.Duration;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How much work Cairn takes on at once ({@code cairn.overload}): the limit on API requests in
 * flight, {@code adaptive} (Netflix concurrency-limits' gradient limit, between {@code min-in-flight}
 * and {@code max-in-flight}, starting at {@code initial-in-flight}) or {@code fixed} at
 * {@code max-in-flight}; how many usage events may wait for the database before new requests are
 * refused; and the {@code Retry-After} a refused client is given.
 */
@ConfigurationProperties("cairn.overload")
public record OverloadProperties(@DefaultValue("true") boolean enabled,
                                 @DefaultValue("fixed") Limit limit,
                                 @DefaultValue("16") int minInFlight,
                                 @DefaultValue("64") int initialInFlight,
                                 @DefaultValue("256") int maxInFlight,
                                 @DefaultValue("20000") int maxRecordBacklog,
                                 @DefaultValue("1s") Duration retryAfter) {

    /** How the limit on requests in flight is set. */
    public enum Limit {
        /** Moves with the latency Cairn measures: down when requests queue, up when they do not. */
        ADAPTIVE,
        /** Stays at {@code max-in-flight}. */
        FIXED
    }

    public OverloadProperties {
        Settings.atLeast("cairn.overload.min-in-flight", minInFlight, 1);
        Settings.atLeast("cairn.overload.max-in-flight", maxInFlight, minInFlight);
        if (initialInFlight < minInFlight || initialInFlight > maxInFlight) {
            throw Settings.invalid("cairn.overload.initial-in-flight",
                    "must lie between min-in-flight (" + minInFlight + ") and max-in-flight (" + maxInFlight + "), not " + initialInFlight);
        }
        Settings.atLeast("cairn.overload.max-record-backlog", maxRecordBacklog, 1);
        if (retryAfter == null || retryAfter.toMillis() < 1000) {
            throw Settings.invalid("cairn.overload.retry-after", "must be at least 1s (Retry-After counts whole seconds)");
        }
    }
}
