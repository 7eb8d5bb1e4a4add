package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Lua script against the machine's Redis: the same answers as the local arithmetic, all or
 * nothing, exact under concurrency, keys that expire when full, a flushed script cache survived,
 * and what fail-open and fail-closed do when Redis is not there.
 */
class RedisBucketsTest {

    static final String REDIS_URL = System.getenv().getOrDefault("CAIRN_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final String prefix = "cairn-test:" + UUID.randomUUID() + ":";
    private final RedisBuckets redis = new RedisBuckets(REDIS_URL, Duration.ofSeconds(2), prefix);

    @AfterEach
    void cleanUp() {
        redis.close();
        deleteKeys(prefix);
    }

    /** Deletes every key under a test's prefix. */
    static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            var cursor = connection.sync().scan(ScanArgs.Builder.matches(prefix + "*").limit(10_000));
            List<String> keys = new ArrayList<>(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(10_000));
                keys.addAll(cursor.getKeys());
            }
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    static Bucket bucket(String id, Measure measure, Window window, long limit) {
        return LocalBucketsTest.bucket(id, measure, window, limit);
    }

    @Test
    void aBurstOfTheLimitThenRefusalsThatTakeNothing() {
        Bucket key = bucket("key:a:rpd", Measure.REQUESTS, Window.DAY, 7);
        Bucket user = bucket("user:ws:bob:rpd", Measure.REQUESTS, Window.DAY, 3);
        List<Draw> both = List.of(new Draw(key, 1), new Draw(user, 1));
        for (int i = 1; i <= 3; i++) {
            List<Level> levels = redis.take(both);
            assertThat(BucketStore.admitted(levels)).isTrue();
            assertThat(levels.get(0).remaining()).isEqualTo(7 - i);
            assertThat(levels.get(1).remaining()).isEqualTo(3 - i);
            assertThat(levels.get(1).resetMicros()).isCloseTo(TimeUnit.HOURS.toMicros(8) * i, within(2_000_000L));
        }
        List<Level> refused = redis.take(both);
        assertThat(BucketStore.admitted(refused)).isFalse();
        assertThat(refused.get(0).waitMicros()).isZero();
        assertThat(refused.get(1).waitMicros()).isCloseTo(TimeUnit.HOURS.toMicros(8), within(2_000_000L));
        assertThat(redis.peek(List.of(key)).getFirst().remaining()).as("the refusal took nothing from the key").isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(BucketStore.admitted(redis.take(List.of(new Draw(key, 1))))).isTrue();
        }
        assertThat(BucketStore.admitted(redis.take(List.of(new Draw(key, 1))))).as("7 per day, not one more").isFalse();
    }

    @Test
    void settlingRefundsAndChargesLikeTheLocalBuckets() {
        Bucket tpd = bucket("key:a:tpd", Measure.TOKENS, Window.DAY, 1000);
        assertThat(redis.take(List.of(new Draw(tpd, 600))).getFirst().remaining()).isEqualTo(400);
        redis.use(List.of(new Draw(tpd, -450)));
        assertThat(redis.peek(List.of(tpd)).getFirst().remaining()).isEqualTo(850);
        redis.use(List.of(new Draw(tpd, 5000)));
        Level debt = redis.peek(List.of(tpd)).getFirst();
        assertThat(debt.remaining()).isZero();
        assertThat(debt.resetMicros()).isCloseTo(TimeUnit.DAYS.toMicros(1) * 5150 / 1000, within(2_000_000L));
        assertThat(redis.take(List.of(new Draw(tpd, 0))).getFirst().waitMicros()).as("debt is paid before anything passes")
                .isPositive();
        redis.use(List.of(new Draw(tpd, -1_000_000)));
        Level full = redis.peek(List.of(tpd)).getFirst();
        assertThat(full.remaining()).isEqualTo(1000);
        assertThat(full.resetMicros()).isZero();
        assertThat(keyExists("key:a:tpd")).as("a full bucket is no key at all").isFalse();
    }

    @Test
    void aKeyExpiresWhenItsBucketIsFullAgain() {
        Bucket rpm = bucket("key:b:rpm", Measure.REQUESTS, Window.MINUTE, 600); // one back every 100 ms
        redis.take(List.of(new Draw(rpm, 1)));
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            assertThat(connection.sync().pttl(prefix + "key:b:rpm")).isBetween(1L, 100L);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void manyThreadsAtOnceGetExactlyTheLimit() throws Exception {
        Bucket rpd = bucket("workspace:busy:rpd", Measure.REQUESTS, Window.DAY, 250);
        int admitted = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    for (int i = 0; i < 25; i++) {
                        mine += BucketStore.admitted(redis.take(List.of(new Draw(rpd, 1)))) ? 1 : 0;
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<Integer> future : futures) {
                admitted += future.get();
            }
        }
        assertThat(admitted).isEqualTo(250);
    }

    @Test
    void aFlushedScriptCacheIsRefilled() {
        Bucket rpd = bucket("key:c:rpd", Measure.REQUESTS, Window.DAY, 5);
        redis.take(List.of(new Draw(rpd, 1)));
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().scriptFlush();
        } finally {
            client.shutdown();
        }
        assertThat(redis.take(List.of(new Draw(rpd, 1))).getFirst().remaining()).isEqualTo(3);
    }

    @Test
    void withRedisGoneFailOpenDecidesLocallyAndFailClosedRefuses() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LimitMetrics metrics = new LimitMetrics(registry);
        Bucket rpd = bucket("key:d:rpd", Measure.REQUESTS, Window.DAY, 1);
        List<Draw> draw = List.of(new Draw(rpd, 1));

        RedisBuckets gone = new RedisBuckets("redis://127.0.0.1:1", Duration.ofMillis(200), prefix);
        Buckets open = new Buckets(new LocalBuckets(), gone, true, metrics);
        assertThat(open.take(draw).admitted()).isTrue();
        assertThat(open.take(draw).admitted()).as("the local bucket still holds the limit").isFalse();
        assertThat(gone.available()).as("left alone after the failure").isFalse();
        assertThat(registry.get("cairn.limits.redis.unavailable").tag("outcome", "local").counter().count()).isEqualTo(2);
        gone.close();

        RedisBuckets goneToo = new RedisBuckets("redis://127.0.0.1:1", Duration.ofMillis(200), prefix);
        Buckets closed = new Buckets(new LocalBuckets(), goneToo, false, metrics);
        assertThatThrownBy(() -> closed.take(draw)).isInstanceOfSatisfying(LimitException.class, e -> {
            assertThat(e.error().status()).isEqualTo(503);
            assertThat(e.error().code()).isEqualTo("rate_limits_unavailable");
        });
        assertThat(closed.peek(List.of(rpd))).as("nothing true to say in headers").isEmpty();
        assertThat(registry.get("cairn.limits.redis.unavailable").tag("outcome", "rejected").counter().count()).isEqualTo(1);
        goneToo.close();

        try (RedisBuckets unreachable = new RedisBuckets("redis://127.0.0.1:1", Duration.ofMillis(200), prefix)) {
            assertThatThrownBy(() -> unreachable.take(draw)).as("the store itself just fails, fast")
                    .isInstanceOf(RedisException.class);
        }
    }

    private boolean keyExists(String id) {
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().exists(prefix + id) > 0;
        } finally {
            client.shutdown();
        }
    }
}
