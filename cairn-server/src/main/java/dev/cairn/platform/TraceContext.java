package dev.cairn.platform;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The W3C trace context of one request: the trace id comes from the caller's {@code traceparent}
 * when it has a valid one, otherwise Cairn starts a new trace. Upstream calls carry it onward.
 */
public record TraceContext(String traceId, String spanId) {

    public static final String REQUEST_ATTRIBUTE = TraceContext.class.getName();
    private static final Pattern TRACEPARENT =
            Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$");
    private static final String ZERO_TRACE = "0".repeat(32);

    public static TraceContext from(String traceparent) {
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches() && !m.group(1).equals(ZERO_TRACE) && !traceparent.startsWith("ff")) {
                return new TraceContext(m.group(1), randomHex(8));
            }
        }
        return new TraceContext(newTraceId(), randomHex(8));
    }

    /**
     * A new trace id that begins with the time in milliseconds, like a UUIDv7, and ends in 10
     * random bytes (W3C asks for at least the last 7 to be random). Ids made one after another then
     * sort one after another, so each audit entry's trace-id index entry lands at the end of the
     * index instead of on a random page that every commit would have to rewrite.
     */
    static String newTraceId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        long millis = System.currentTimeMillis();
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (millis >>> (40 - 8 * i));
        }
        return HexFormat.of().formatHex(b);
    }

    /** The {@code traceparent} Cairn sends upstream: same trace, Cairn's own span as parent. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // never all zeros, which W3C declares invalid
        return HexFormat.of().formatHex(b);
    }
}
