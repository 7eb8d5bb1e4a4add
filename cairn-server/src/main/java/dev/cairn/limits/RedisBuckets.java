package dev.cairn.limits;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.cairn.platform.RedisClients;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * Buckets in Redis, shared by every Cairn process that uses the same Redis and prefix. Each call
 * is one EVALSHA of {@code buckets.lua}, which checks and takes all of a request's buckets in one
 * atomic step on Redis's clock. Calls fail fast with a {@link RedisException} when Redis cannot be
 * reached (commands are refused while disconnected rather than queued); after a failure
 * {@link #available()} is false for {@link #RETRY_AFTER}, so callers stop trying for a while.
 */
final class RedisBuckets implements BucketStore, AutoCloseable {

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    static final String SCRIPT = script();

    private final RedisClient client;
    private final String prefix;
    private final AtomicLong downUntil = new AtomicLong(System.nanoTime());
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile String sha;

    RedisBuckets(String url, Duration timeout, String prefix) {
        this.client = RedisClients.create(url, timeout, true);
        this.prefix = prefix;
    }

    @Override
    public List<Level> take(List<Draw> draws) {
        return levels(draws, run("take", draws));
    }

    @Override
    public void use(List<Draw> draws) {
        run("use", draws);
    }

    @Override
    public List<Level> peek(List<Bucket> buckets) {
        List<Draw> draws = buckets.stream().map(b -> new Draw(b, 0)).toList();
        return levels(draws, run("peek", draws));
    }

    /** Deletes these buckets' keys; returns how many existed. */
    long remove(List<String> ids) {
        return connection().sync().del(ids.stream().map(id -> prefix + id).toArray(String[]::new));
    }

    /** False for a while after a failure: Redis is then left alone. */
    boolean available() {
        return System.nanoTime() - downUntil.get() >= 0;
    }

    /** Notes a failure; returns whether Redis was thought up until now (so the caller logs once). */
    boolean failed() {
        boolean wasUp = available();
        downUntil.set(System.nanoTime() + RETRY_AFTER.toNanos());
        return wasUp;
    }

    private List<Object> run(String mode, List<Draw> draws) {
        String[] keys = new String[draws.size()];
        String[] args = new String[1 + 3 * draws.size()];
        args[0] = mode;
        for (int i = 0; i < draws.size(); i++) {
            Draw draw = draws.get(i);
            keys[i] = prefix + draw.bucket().id();
            args[3 * i + 1] = Long.toString(draw.bucket().limit());
            args[3 * i + 2] = Long.toString(draw.bucket().window().micros());
            args[3 * i + 3] = Long.toString(draw.amount());
        }
        RedisCommands<String, String> redis = connection().sync();
        String digest = sha;
        if (digest == null) {
            digest = sha = redis.scriptLoad(SCRIPT);
        }
        try {
            return redis.evalsha(digest, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            // Redis restarted or its script cache was flushed: load the script again, once.
            sha = redis.scriptLoad(SCRIPT);
            return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        }
    }

    private static List<Level> levels(List<Draw> draws, List<Object> reply) {
        List<Level> levels = new ArrayList<>(draws.size());
        for (int i = 0; i < draws.size(); i++) {
            levels.add(new Level(draws.get(i).bucket(), (Long) reply.get(3 * i), (Long) reply.get(3 * i + 1),
                    (Long) reply.get(3 * i + 2)));
        }
        return levels;
    }

    private StatefulRedisConnection<String, String> connection() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null && current.isOpen()) {
            return current;
        }
        synchronized (this) {
            if (connection != null && connection.isOpen()) {
                return connection;
            }
            if (connection != null) {
                connection.close(); // Lettuce would otherwise keep reconnecting the old one
            }
            connection = client.connect();
            return connection;
        }
    }

    private static String script() {
        try (InputStream in = RedisBuckets.class.getResourceAsStream("buckets.lua")) {
            if (in == null) {
                throw new IllegalStateException("buckets.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
