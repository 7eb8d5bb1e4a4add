package dev.cairn.limits;

import java.util.List;

/**
 * What admitting one request took, kept until it ends so that {@link Limiter#settle} can square
 * the estimate with the real usage: the store and token buckets it drew on, the estimate, the
 * budgets it counts against and the model names its cost is priced by.
 */
public final class Admission {

    /** A request no limit applied to: settling it does nothing. */
    public static final Admission NONE = new Admission(null, List.of(), 0, List.of(), null, null);

    final BucketStore store;
    final List<Bucket> tokenBuckets;
    final long estimatedTokens;
    final List<Spending.Scope> budgets;
    final String requestedModel;
    final String pricedModel;

    Admission(BucketStore store, List<Bucket> tokenBuckets, long estimatedTokens, List<Spending.Scope> budgets,
              String requestedModel, String pricedModel) {
        this.store = store;
        this.tokenBuckets = tokenBuckets;
        this.estimatedTokens = estimatedTokens;
        this.budgets = budgets;
        this.requestedModel = requestedModel;
        this.pricedModel = pricedModel;
    }
}
