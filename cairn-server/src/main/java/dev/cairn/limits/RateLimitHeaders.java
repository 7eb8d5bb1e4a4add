package dev.cairn.limits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -reset-requests} and the same three for tokens. A request counts against several buckets
 * at once (its key, workspace, end user and address, per minute and per day), and, as OpenAI does,
 * the headers describe the tightest of each kind: the one that refused the request, else the one
 * with the fewest units left, which is how many more the client can send.
 */
final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    static Map<String, String> of(List<Level> levels) {
        Map<String, String> headers = new LinkedHashMap<>(8);
        for (Measure measure : Measure.values()) {
            Level tightest = tightest(levels, measure);
            if (tightest != null) {
                headers.put("x-ratelimit-limit-" + measure.wireName(), Long.toString(tightest.bucket().limit()));
                headers.put("x-ratelimit-remaining-" + measure.wireName(), Long.toString(tightest.remaining()));
                headers.put("x-ratelimit-reset-" + measure.wireName(), ResetTimes.format(tightest.resetMicros()));
            }
        }
        return headers;
    }

    /**
     * {@code headers} and {@code Retry-After} in whole seconds, and {@code retry-after-ms}, which
     * OpenAI's SDKs prefer.
     */
    static Map<String, String> withRetryAfter(Map<String, String> headers, long micros) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Retry-After", Long.toString(ResetTimes.retryAfterSeconds(micros)));
        all.put("retry-after-ms", Long.toString(Math.max(1, (micros + 999) / 1000)));
        return all;
    }

    /** The level that refused the request (the longest wait), else the one with the fewest units left. */
    static Level tightest(List<Level> levels, Measure measure) {
        Level tightest = null;
        for (Level level : levels) {
            if (level.bucket().measure() == measure && (tightest == null || tighter(level, tightest))) {
                tightest = level;
            }
        }
        return tightest;
    }

    private static boolean tighter(Level a, Level b) {
        if (a.waitMicros() != b.waitMicros()) {
            return a.waitMicros() > b.waitMicros();
        }
        if (a.remaining() != b.remaining()) {
            return a.remaining() < b.remaining();
        }
        return a.resetMicros() > b.resetMicros();
    }
}
