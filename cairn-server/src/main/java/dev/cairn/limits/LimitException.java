package dev.cairn.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;

/**
 * A request refused by a limit: 429 {@code rate_limit_exceeded} (type {@code requests} or
 * {@code tokens}, as OpenAI answers) for a rate limit, 429 {@code budget_exceeded} (type
 * {@code insufficient_quota}) for a spent budget, 503 when the shared buckets cannot be reached and
 * the configuration says to fail closed, 429 {@code concurrency_limit_exceeded} (type
 * {@code requests}) when a key has as many requests in flight as it may. The message names the
 * limit that was hit.
 */
public final class LimitException extends CairnException {

    private final Map<String, String> headers;

    private LimitException(ApiError error, Map<String, String> headers) {
        super(error);
        this.headers = headers;
    }

    /** The {@code x-ratelimit-*} and {@code Retry-After} headers the refusal is sent with. */
    public Map<String, String> headers() {
        return headers;
    }

    static LimitException rateLimited(Level level, long requested, Map<String, String> headers) {
        Bucket bucket = level.bucket();
        return new LimitException(new ApiError(429, bucket.measure().wireName(), "rate_limit_exceeded", null,
                "Rate limit reached for " + bucket.describe() + ": limit " + bucket.limit() + ", remaining "
                        + level.remaining() + ", requested " + requested + ". Try again in "
                        + ResetTimes.format(level.waitMicros()) + "."), headers);
    }

    static LimitException tooLarge(Bucket bucket, long requested, Map<String, String> headers) {
        return new LimitException(new ApiError(429, bucket.measure().wireName(), "rate_limit_exceeded", null,
                "Request too large for " + bucket.describe() + ": limit " + bucket.limit() + ", requested " + requested
                        + " (the prompt's tokens plus max_tokens or max_completion_tokens). Send fewer tokens or ask for"
                        + " a shorter answer."), headers);
    }

    static LimitException budgetExceeded(Spending.Scope scope, Spending.Period period, long spentNanoUsd,
                                         long budgetNanoUsd, long renewsInMicros, Map<String, String> headers) {
        return new LimitException(new ApiError(429, "insufficient_quota", "budget_exceeded", null,
                "The " + period.adjective() + " budget of " + scope.owner().wireName() + " " + scope.id()
                        + " is spent: $" + dollars(spentNanoUsd) + " of $" + dollars(budgetNanoUsd) + " this UTC "
                        + period.noun() + ". It renews in " + ResetTimes.format(renewsInMicros) + "."), headers);
    }

    static LimitException concurrencyExceeded(String keyId, long limit, long retryAfterSeconds) {
        return new LimitException(new ApiError(429, "requests", "concurrency_limit_exceeded", null,
                "Key " + keyId + " already has " + limit + " requests in flight, as many as it may"
                        + " (cairn.limits max-concurrent-requests). Wait for one to finish, or retry in "
                        + retryAfterSeconds + " s."), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    static LimitException storeUnavailable(Duration retry) {
        return new LimitException(new ApiError(503, "server_error", "rate_limits_unavailable", null,
                "Rate limits are kept in Redis, which cannot be reached, and cairn.limits.on-redis-failure is"
                        + " fail-closed; retry in " + retry.toSeconds() + " s"), Map.of());
    }

    private static String dollars(long nanoUsd) {
        return BigDecimal.valueOf(nanoUsd, 9).setScale(4, RoundingMode.HALF_UP).toPlainString();
    }
}
