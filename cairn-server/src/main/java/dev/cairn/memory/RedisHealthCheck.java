package dev.cairn.memory;

import dev.cairn.platform.Health;
import dev.cairn.platform.HealthCheck;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Readiness of the Redis memory cache. Redis is a cache: without it memory runs from the database,
 * so a Redis that does not answer is DEGRADED, never DOWN; DISABLED when no Redis is configured.
 */
@Component
@Order(300)
class RedisHealthCheck implements HealthCheck {

    private final MemoryCache cache;

    RedisHealthCheck(MemoryCache cache) {
        this.cache = cache;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Health check() {
        return Health.of(switch (cache.probe()) {
            case DISABLED -> Health.Status.DISABLED;
            case UP -> Health.Status.UP;
            case DEGRADED -> Health.Status.DEGRADED;
        });
    }
}
