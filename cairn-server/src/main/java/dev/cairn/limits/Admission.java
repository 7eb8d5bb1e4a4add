package dev.cairn.limits;

import java.util.List;
import java.util.Map;

/**
 * What admitting one request took, kept until it ends so that {@link Limiter#settle} can square
 * the estimate with the real usage: the store and token buckets it drew on, the estimate and the
 * budgets it counts against; and the {@code x-ratelimit-*} headers its answer carries.
 */
public final class Admission {

    /** A request no limit applied to: settling it does nothing, and it has no headers. */
    public static final Admission NONE = new Admission(null, List.of(), 0, List.of(), Map.of());

    final BucketStore store;
    final List<Bucket> tokenBuckets;
    final long estimatedTokens;
    final List<Spending.Scope> budgets;
    private final Map<String, String> headers;

    Admission(BucketStore store, List<Bucket> tokenBuckets, long estimatedTokens, List<Spending.Scope> budgets,
              Map<String, String> headers) {
        this.store = store;
        this.tokenBuckets = tokenBuckets;
        this.estimatedTokens = estimatedTokens;
        this.budgets = budgets;
        this.headers = headers;
    }

    /** The {@code x-ratelimit-*} headers for the answer, in a stable order. */
    public Map<String, String> headers() {
        return headers;
    }
}
