package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.RedisClients;
import dev.cairn.platform.CacheBytes;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SharedRouteState} in Redis, so every Cairn process using the same Redis skips the same
 * deployments: one key per blocked deployment, {@code <prefix>route:<deployment>}, holding the epoch
 * millisecond it is blocked until and expiring then.
 *
 * <p>Requests never wait for Redis. {@link #blockedUntil} reads a local copy that one daemon thread
 * refreshes every {@link #REFRESH} for the deployments this process has asked about; {@link #block}
 * and {@link #unblock} change the local copy at once and leave the write to that thread, which sends
 * it straight away. While Redis cannot be reached the local copy goes on alone (as
 * {@link LocalRouteState} would), writes wait and are sent when Redis answers again, Redis is left
 * alone for {@link #RETRY_AFTER} after each failure, and there is one log line when it goes and one
 * when it is back.
 */
final class RedisRouteState implements SharedRouteState, AutoCloseable {

    static final Duration REFRESH = Duration.ofMillis(500);
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** Keys per MGET: a refresh of many deployments does not hold Redis up with one huge reply. */
    private static final int BATCH = 500;
    /** An unblock waiting to be sent, among the blocks' epoch milliseconds. */
    private static final long UNBLOCK = 0;

    /** Sets the key only when the new block ends later than the one there: a later block wins in every process. */
    private static final String BLOCK = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
            if tonumber(ARGV[1]) > current then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            end
            return 0""";
    /**
     * Deletes the key unless it ends later than the block this process lifted: a block another
     * process made since, which this one has not seen, stands.
     */
    private static final String LIFT = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
            if current <= tonumber(ARGV[1]) then
              redis.call('DEL', KEYS[1])
            end
            return 0""";

    private static final Logger log = LoggerFactory.getLogger(RedisRouteState.class);

    private final RedisClient client;
    private final String prefix;
    /** The local copy: each deployment asked about, to the epoch millisecond it is blocked until (0: not). */
    private final Cache<String, Long> known = CacheBytes.<String, Long>bounded(DeploymentStates.MAX_STATES * 256L,
            (name, until) -> CacheBytes.of(name) + 16).build();
    /** Writes not yet in Redis, one per deployment: the latest block's end, or {@link #UNBLOCK} with what it lifts. */
    private final ConcurrentMap<String, Write> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final ScheduledExecutorService thread;
    /** Touched by the background thread only. */
    private StatefulRedisConnection<String, String> connection;
    private long downUntilNanos;
    private volatile boolean reachable = true;

    private record Write(long until, long lifted) {
    }

    RedisRouteState(String url, Duration timeout, String prefix) {
        // Commands refused while disconnected: a queued one would carry an old block into Redis late.
        // Reconnected here after RETRY_AFTER instead of automatically, on the one thread that uses it.
        this.client = RedisClients.create(url, timeout, false);
        this.prefix = prefix + "route:";
        this.downUntilNanos = System.nanoTime();
        // One thread for refreshing and writing, rather than PeriodicTask: a write must not wait for the next refresh.
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("cairn-route-state").daemon().unstarted(r));
        thread.scheduleWithFixedDelay(() -> quietly(this::refresh), 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public long blockedUntil(String deployment) {
        // A deployment first asked about reads 0 until the next refresh; its own breaker still guards it meanwhile.
        return known.get(deployment, name -> 0L);
    }

    @Override
    public void block(String deployment, long untilMillis, String why) {
        pending.merge(deployment, new Write(untilMillis, 0),
                (old, now) -> old.until() == UNBLOCK || now.until() > old.until() ? now : old);
        known.asMap().merge(deployment, untilMillis, Math::max);
        flushSoon();
    }

    @Override
    public void unblock(String deployment) {
        Long seen = known.getIfPresent(deployment);
        // Queued before the local copy changes, so a refresh under way cannot put the block back.
        pending.put(deployment, new Write(UNBLOCK, Math.max(seen == null ? 0 : seen, pendingUntil(deployment))));
        known.put(deployment, 0L);
        flushSoon();
    }

    @Override
    public String store() {
        return "redis";
    }

    /** False from a failed Redis call until one succeeds again: blocks are then this process's own. */
    boolean reachable() {
        return reachable;
    }

    private long pendingUntil(String deployment) {
        Write write = pending.get(deployment);
        return write == null ? 0 : write.until();
    }

    private void flushSoon() {
        if (flushQueued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> quietly(this::flush));
            } catch (RejectedExecutionException closed) {
                flushQueued.set(false);
            }
        }
    }

    /** Sends the writes waiting; those that fail stay for the next try, those already over are dropped. */
    private void flush() {
        flushQueued.set(false);
        long now = System.currentTimeMillis();
        pending.entrySet().removeIf(e -> e.getValue().until() != UNBLOCK && e.getValue().until() <= now);
        if (pending.isEmpty()) {
            return;
        }
        RedisCommands<String, String> redis = redis();
        if (redis == null) {
            return;
        }
        try {
            for (Map.Entry<String, Write> entry : pending.entrySet()) {
                Write write = entry.getValue();
                String[] key = {prefix + entry.getKey()};
                if (write.until() == UNBLOCK) {
                    redis.eval(LIFT, ScriptOutputType.INTEGER, key, Long.toString(write.lifted()));
                } else if (write.until() > now) {
                    redis.eval(BLOCK, ScriptOutputType.INTEGER, key, Long.toString(write.until()),
                            Long.toString(write.until() - now));
                }
                // Only this write: a newer one for the same deployment, made meanwhile, waits for the next flush.
                pending.remove(entry.getKey(), write);
            }
            succeeded();
        } catch (RedisException e) {
            failed(e);
        }
    }

    /** Replaces the local copy with Redis's, except where a write of this process's is still on its way. */
    private void refresh() {
        flush();
        List<String> names = List.copyOf(known.asMap().keySet());
        RedisCommands<String, String> redis = redis();
        if (redis == null) {
            return;
        }
        try {
            if (names.isEmpty()) {
                redis.ping(); // nothing to read, but readiness should still say whether Redis answers
            }
            for (int from = 0; from < names.size(); from += BATCH) {
                List<String> batch = names.subList(from, Math.min(names.size(), from + BATCH));
                List<KeyValue<String, String>> values = redis.mget(batch.stream().map(n -> prefix + n).toArray(String[]::new));
                for (int i = 0; i < batch.size(); i++) {
                    KeyValue<String, String> value = values.get(i);
                    long until = value.hasValue() ? millis(value.getValue()) : 0;
                    // Checked under the entry's lock, so a block made while the reply was on its way is not undone.
                    known.asMap().computeIfPresent(batch.get(i), (name, old) -> pending.containsKey(name) ? old : until);
                }
            }
            succeeded();
        } catch (RedisException e) {
            failed(e);
        }
    }

    /** A key's value, 0 for one that is not a number (nothing this class wrote): it blocks nothing. */
    private static long millis(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The commands, or null while Redis is left alone after a failure. */
    private RedisCommands<String, String> redis() {
        if (System.nanoTime() - downUntilNanos < 0) {
            return null;
        }
        try {
            if (connection == null || !connection.isOpen()) {
                if (connection != null) {
                    connection.close(); // dropped by Redis or the network: not reconnected by Lettuce, see autoReconnect
                }
                connection = null;
                connection = client.connect();
            }
            return connection.sync();
        } catch (RedisException e) {
            failed(e);
            return null;
        }
    }

    private void succeeded() {
        if (!reachable) {
            reachable = true;
            log.info("Redis is back: deployments' breakers and cool-downs are shared again");
        }
    }

    private void failed(RedisException e) {
        downUntilNanos = System.nanoTime() + RETRY_AFTER.toNanos();
        if (reachable) {
            reachable = false;
            log.warn("Redis unavailable for routing, deployments' breakers and cool-downs are this process's own "
                    + "until it answers (tried again every {} s): {}", RETRY_AFTER.toSeconds(), e.toString());
        }
    }

    /** A scheduled task that throws is never run again: the background thread must outlive any one failure. */
    private static void quietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("Routing's Redis sync failed; it runs again in {}", REFRESH, e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
