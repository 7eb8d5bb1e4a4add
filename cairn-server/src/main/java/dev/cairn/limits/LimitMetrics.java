package dev.cairn.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The limits' Prometheus metrics: {@code cairn_limits_rejections_total{dimension,limit}} for every
 * request refused by a rate limit or budget, and {@code cairn_limits_redis_unavailable_total{outcome}}
 * for every request decided while Redis was unreachable ({@code local} under fail-open,
 * {@code rejected} under fail-closed). Labels come from fixed sets, so series stay bounded.
 */
@Component
class LimitMetrics {

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Counter redisLocal;
    private final Counter redisRejected;

    LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.redisLocal = redisCounter("local");
        this.redisRejected = redisCounter("rejected");
    }

    /**
     * One refused request; {@code limit} is {@code requests}, {@code tokens}, {@code daily_budget},
     * {@code monthly_budget}, {@code concurrency} or {@code output_tokens}.
     */
    void rejected(Dimension dimension, String limit) {
        rejections.computeIfAbsent(dimension.wireName() + "/" + limit, k -> Counter.builder("cairn.limits.rejections")
                .description("Requests refused by a rate limit or a budget")
                .tag("dimension", dimension.wireName()).tag("limit", limit)
                .register(registry)).increment();
    }

    void redisUnavailable(boolean decidedLocally) {
        (decidedLocally ? redisLocal : redisRejected).increment();
    }

    private Counter redisCounter(String outcome) {
        return Counter.builder("cairn.limits.redis.unavailable")
                .description("Requests whose limits were decided while Redis was unreachable")
                .tag("outcome", outcome).register(registry);
    }
}
