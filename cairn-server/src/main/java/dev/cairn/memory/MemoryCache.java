package dev.cairn.memory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.platform.RedisProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Redis as a second-level cache shared by Cairn processes, when {@code cairn.redis.url} is set.
 * It is only ever a cache: when Redis fails, every call here returns "not cached" at once, memory
 * keeps working from the database, and {@link #state()} says DEGRADED until Redis answers again
 * (tried again at most every {@link #RETRY_AFTER}).
 */
@Component
public class MemoryCache {

    private static final Logger log = LoggerFactory.getLogger(MemoryCache.class);
    private static final Duration TTL = Duration.ofHours(24);
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    public enum State { DISABLED, UP, DEGRADED }

    private final RedisClient client;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private final AtomicLong downUntil = new AtomicLong();

    public MemoryCache(RedisProperties redis) {
        String url = redis.url();
        if (url == null || url.isBlank()) {
            client = null;
            return;
        }
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(redis.timeout());
        client = RedisClient.create(uri);
    }

    public State state() {
        if (client == null) {
            return State.DISABLED;
        }
        return available() ? State.UP : State.DEGRADED;
    }

    float[] getVector(String key) {
        byte[] bytes = get(key);
        return bytes == null ? null : Vectors.fromBytes(bytes);
    }

    void putVector(String key, float[] vector) {
        put(key, Vectors.toBytes(vector), TTL);
    }

    byte[] get(String key) {
        StatefulRedisConnection<byte[], byte[]> redis = connection();
        if (redis == null) {
            return null;
        }
        try {
            return redis.sync().get(key.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            failed(e);
            return null;
        }
    }

    void put(String key, byte[] value, Duration ttl) {
        StatefulRedisConnection<byte[], byte[]> redis = connection();
        if (redis == null) {
            return;
        }
        try {
            redis.sync().set(key.getBytes(StandardCharsets.UTF_8), value, SetArgs.Builder.ex(ttl));
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    void delete(String key) {
        StatefulRedisConnection<byte[], byte[]> redis = connection();
        if (redis == null) {
            return;
        }
        try {
            redis.sync().del(key.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * Checks Redis for /health/ready: a PING when it is thought up or its back-off is over, else
     * DEGRADED without touching it, so polling readiness cannot hammer a Redis that is down.
     */
    public State probe() {
        if (client == null) {
            return State.DISABLED;
        }
        StatefulRedisConnection<byte[], byte[]> redis = connection();
        if (redis == null) {
            return State.DEGRADED;
        }
        try {
            redis.sync().ping();
            return State.UP;
        } catch (RuntimeException e) {
            failed(e);
            return State.DEGRADED;
        }
    }

    private boolean available() {
        return System.nanoTime() >= downUntil.get();
    }

    private StatefulRedisConnection<byte[], byte[]> connection() {
        if (client == null || !available()) {
            return null;
        }
        StatefulRedisConnection<byte[], byte[]> redis = connection;
        if (redis != null && redis.isOpen()) {
            return redis;
        }
        synchronized (this) {
            if (connection != null && connection.isOpen()) {
                return connection;
            }
            try {
                if (connection != null) {
                    connection.close(); // Lettuce would otherwise keep reconnecting the old one
                }
                connection = client.connect(ByteArrayCodec.INSTANCE);
                return connection;
            } catch (RuntimeException e) {
                failed(e);
                return null;
            }
        }
    }

    private void failed(RuntimeException e) {
        boolean wasUp = available();
        downUntil.set(System.nanoTime() + RETRY_AFTER.toNanos());
        if (wasUp) {
            log.warn("Redis cache unavailable, memory continues from the database: {}", e.toString());
        }
    }

    /** A cache key for a text: the first 128 bits of its SHA-256, in hex. */
    static String digest(String text) {
        return sha256Hex(text).substring(0, 32);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void close() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
