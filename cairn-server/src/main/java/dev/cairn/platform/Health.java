package dev.cairn.platform;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link HealthCheck} found: a status and details written after it, in order, into the
 * check's JSON object (each a string or a list of strings; the endpoint is public, so nothing secret).
 */
public record Health(Status status, Map<String, Object> details) {

    /** How readiness takes a check: any DOWN makes Cairn not ready (503), else any DEGRADED makes it DEGRADED. */
    public enum Status { UP, DEGRADED, DOWN, DISABLED }

    public Health {
        details = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(details));
    }

    public static Health of(Status status) {
        return new Health(status, Map.of());
    }

    /** This health with one more detail, after the ones it has. */
    public Health with(String key, Object value) {
        LinkedHashMap<String, Object> more = new LinkedHashMap<>(details);
        more.put(key, value);
        return new Health(status, more);
    }
}
