package dev.cairn.limits;

import java.util.List;

import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.RedisProperties;
import io.lettuce.core.RedisException;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Chooses where buckets live: Redis when configured ({@code cairn.limits.store}), else this
 * process. While Redis cannot be reached, {@code cairn.limits.on-redis-failure} decides:
 * {@code fail-open} (the default) lets this process's own buckets decide, so each process enforces
 * the limits alone and a cluster of n admits up to n times a limit for that while; {@code
 * fail-closed} refuses model calls with 503 until Redis is back. Either way there is one log line
 * when Redis goes and one when it returns, and {@code cairn_limits_redis_unavailable_total} counts
 * the requests decided without it.
 */
@Component
class Buckets {

    private static final Logger log = LoggerFactory.getLogger(Buckets.class);

    /** What a take did and where, so the request's later settling goes to the same buckets. */
    record Taken(BucketStore store, List<Level> levels) {
        boolean admitted() {
            return BucketStore.admitted(levels);
        }
    }

    private final LocalBuckets local;
    private final RedisBuckets redis;
    private final boolean failOpen;
    private final LimitMetrics metrics;
    private volatile boolean redisWasDown;

    @Autowired
    Buckets(LimitsProperties limits, RedisProperties redis, LimitMetrics metrics) {
        this(new LocalBuckets(), redis(limits, redis), limits.onRedisFailure() == LimitsProperties.RedisFailure.FAIL_OPEN, metrics);
    }

    Buckets(LocalBuckets local, RedisBuckets redis, boolean failOpen, LimitMetrics metrics) {
        this.local = local;
        this.redis = redis;
        this.failOpen = failOpen;
        this.metrics = metrics;
    }

    private static RedisBuckets redis(LimitsProperties limits, RedisProperties redis) {
        String url = redis.url();
        boolean hasUrl = url != null && !url.isBlank();
        return switch (limits.store()) {
            case LOCAL -> null;
            case AUTO -> hasUrl ? new RedisBuckets(url, redis.timeout(), limits.redisPrefix()) : null;
            case REDIS -> {
                if (!hasUrl) {
                    throw new InvalidConfigurationException("cairn.limits.store is redis, but cairn.redis.url is not set");
                }
                yield new RedisBuckets(url, redis.timeout(), limits.redisPrefix());
            }
        };
    }

    /** Whether buckets are shared through Redis. */
    boolean shared() {
        return redis != null;
    }

    Taken take(List<Draw> draws) {
        if (redis != null && redis.available()) {
            try {
                Taken taken = new Taken(redis, redis.take(draws));
                redisBack();
                return taken;
            } catch (RedisException e) {
                redisFailed(e);
            }
        }
        if (redis == null) {
            return new Taken(local, local.take(draws));
        }
        metrics.redisUnavailable(failOpen);
        if (!failOpen) {
            throw LimitException.storeUnavailable(RedisBuckets.RETRY_AFTER);
        }
        return new Taken(local, local.take(draws));
    }

    /**
     * Settles use on the buckets a request was admitted by. Lost when Redis fails meanwhile: the
     * bucket then stays as the estimate left it, which errs by one request's difference.
     */
    void use(BucketStore store, List<Draw> draws) {
        try {
            store.use(draws);
        } catch (RedisException e) {
            redisFailed(e);
        }
    }

    /** The buckets' levels, for headers; empty when Redis is down and fail-closed (there is nothing true to say). */
    List<Level> peek(List<Bucket> buckets) {
        if (redis != null && redis.available()) {
            try {
                return redis.peek(buckets);
            } catch (RedisException e) {
                redisFailed(e);
            }
        }
        return redis == null || failOpen ? local.peek(buckets) : List.of();
    }

    /** What {@link #remove} did: buckets dropped here and in Redis, and whether Redis could be reached (or is not used). */
    record Removed(int local, long shared, boolean complete) {
    }

    /** Drops these buckets here and, when shared, in Redis. */
    Removed remove(List<String> ids) {
        int here = local.remove(ids);
        if (redis == null) {
            return new Removed(here, 0, true);
        }
        try {
            return new Removed(here, redis.remove(ids), true);
        } catch (RedisException e) {
            redisFailed(e);
            return new Removed(here, 0, false);
        }
    }

    private void redisFailed(RedisException e) {
        if (redis.failed() && !redisWasDown) {
            redisWasDown = true;
            log.warn("Redis unavailable for rate limits, {} for at least {} s: {}",
                    failOpen ? "this process's own buckets decide (fail-open)" : "model calls are refused (fail-closed)",
                    RedisBuckets.RETRY_AFTER.toSeconds(), e.toString());
        }
    }

    private void redisBack() {
        if (redisWasDown) {
            redisWasDown = false;
            log.info("Redis is back: rate limits are shared again");
        }
    }

    @PreDestroy
    void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
