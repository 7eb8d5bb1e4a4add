package dev.cairn.gateway.routing;

import dev.cairn.platform.RedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Where deployments' blocks live: this process's memory, or Redis when {@code cairn.redis.url} is set, so all processes agree. */
@Configuration(proxyBeanMethods = false)
class RouteStateConfig {

    /** The keys' prefix, as no general one is configured: {@code cairn:route:<provider>/<model>}. */
    static final String REDIS_PREFIX = "cairn:";

    /** Spring closes the Redis one on shutdown (its thread and connection): it is {@link AutoCloseable}. */
    @Bean
    SharedRouteState sharedRouteState(RedisProperties redis) {
        if (redis.url() == null || redis.url().isBlank()) {
            return new LocalRouteState();
        }
        return new RedisRouteState(redis.url(), redis.timeout(), REDIS_PREFIX);
    }
}
