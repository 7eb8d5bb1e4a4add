package dev.cairn.limits;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits and spend budgets of the model-calling routes ({@code cairn.limits}). {@code defaults}
 * holds the limits of each dimension (every key, every workspace, every end user, every client
 * address); {@code workspaces.<name>} overrides them for one workspace and {@code keys} for single
 * keys, field by field, where 0 lifts an inherited limit. Buckets live in this process, or in Redis
 * ({@code cairn.redis.url}) so that several processes enforce one limit. {@link LimitRules} checks
 * the limits themselves and {@link ClientAddress} the trusted proxies.
 */
@ConfigurationProperties("cairn.limits")
public record LimitsProperties(@DefaultValue("auto") Store store,
                               @DefaultValue("fail-open") RedisFailure onRedisFailure,
                               @DefaultValue("cairn:limits:") String redisPrefix,
                               List<String> trustedProxies,
                               @DefaultValue("5s") Duration budgetRefresh,
                               @DefaultValue("4096") long defaultAnswerTokens,
                               @DefaultValue Dimensions defaults,
                               Map<String, Dimensions> workspaces,
                               List<KeyLimit> keys) {

    public LimitsProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        workspaces = workspaces == null ? Map.of() : Map.copyOf(workspaces);
        keys = keys == null ? List.of() : List.copyOf(keys);
        Settings.positive("cairn.limits.budget-refresh", budgetRefresh);
        if (defaultAnswerTokens < 1) {
            throw Settings.invalid("cairn.limits.default-answer-tokens", "must be at least 1, not " + defaultAnswerTokens);
        }
        if (redisPrefix == null || redisPrefix.isBlank()) {
            throw Settings.invalid("cairn.limits.redis-prefix", "must not be empty");
        }
    }

    /** Where buckets live: Redis when {@code cairn.redis.url} is set ({@code auto}), or always this process or Redis. */
    public enum Store { AUTO, LOCAL, REDIS }

    /** What happens while Redis is unreachable: this process's own buckets decide, or requests are refused (503). */
    public enum RedisFailure { FAIL_OPEN, FAIL_CLOSED }

    /** The limits of each dimension a request is counted in. */
    public record Dimensions(Limit key, Limit workspace, Limit user, Limit ip) {
    }

    /**
     * One dimension's limits; null inherits, 0 means none. Budgets (US dollars) apply to keys and
     * workspaces only; {@code maxConcurrentRequests} (requests of one key in flight at once) and
     * {@code maxOutputTokens} (one request's {@code n} times its answer limit) to keys only, and
     * unlike the others they have a value when none is configured ({@link LimitRules.Bounds}).
     */
    public record Limit(Long requestsPerMinute, Long tokensPerMinute, Long requestsPerDay, Long tokensPerDay,
                                  BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd, Long maxConcurrentRequests,
                                  Long maxOutputTokens) {
    }

    /**
     * A key's own limits, naming the key by {@code id} or by {@code name}. A list rather than a
     * map because key names may hold characters (spaces, {@code /}) that map keys lose in
     * Spring's binding.
     */
    public record KeyLimit(String id, String name, Long requestsPerMinute, Long tokensPerMinute, Long requestsPerDay,
                                     Long tokensPerDay, BigDecimal dailyBudgetUsd, BigDecimal monthlyBudgetUsd,
                                     Long maxConcurrentRequests, Long maxOutputTokens) {

        public Limit limit() {
            return new Limit(requestsPerMinute, tokensPerMinute, requestsPerDay, tokensPerDay, dailyBudgetUsd,
                    monthlyBudgetUsd, maxConcurrentRequests, maxOutputTokens);
        }
    }
}
