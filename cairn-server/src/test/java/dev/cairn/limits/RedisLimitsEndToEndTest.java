package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.support.CairnServerTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same limits with buckets in the machine's Redis (cairn.redis.url, a prefix of this run's
 * own, deleted afterwards): exact admission under concurrency through the HTTP server, buckets
 * visible in Redis, and token settling done there.
 */
class RedisLimitsEndToEndTest extends CairnServerTest {

    static final String PREFIX = "cairn-test:" + UUID.randomUUID() + ":";

    @DynamicPropertySource
    static void redisLimits(DynamicPropertyRegistry registry) {
        registry.add("cairn.redis.url", () -> RedisBucketsTest.REDIS_URL);
        registry.add("cairn.limits.redis-prefix", () -> PREFIX);
        registry.add("cairn.limits.workspaces.rlim-burst.key.requests-per-day", () -> "40");
        registry.add("cairn.limits.workspaces.rlim-tokens.key.tokens-per-day", () -> "1000");
        registry.add("cairn.limits.workspaces.rlim-tokens.workspace.requests-per-minute", () -> "600");
    }

    @AfterAll
    static void deleteBuckets() {
        RedisBucketsTest.deleteKeys(PREFIX);
    }

    @Test
    void parallelRequestsAdmitExactlyTheLimitWithBucketsInRedis() throws Exception {
        String key = createKey("rlim-burst");
        int threads = 64;
        int perThread = 3;
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<HttpResponse<String>>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    List<HttpResponse<String>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(post(LimitsEndToEndTest.CHAT, key, LimitsEndToEndTest.HELLO.formatted("cairn/echo", "")));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<HttpResponse<String>>> future : futures) {
                responses.addAll(future.get());
            }
        }
        assertThat(responses.stream().filter(r -> r.statusCode() == 200)).hasSize(40);
        List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(refused).hasSize(threads * perThread - 40);
        assertThat(refused).allSatisfy(r -> {
            assertThat(LimitsEndToEndTest.header(r, "x-ratelimit-limit-requests")).isEqualTo("40");
            assertThat(LimitsEndToEndTest.header(r, "x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(LimitsEndToEndTest.header(r, "Retry-After")).isNotNull();
        });

        RedisClient client = RedisClient.create(RedisBucketsTest.REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            List<String> buckets = redis.sync().keys(PREFIX + "key:*:rpd");
            assertThat(buckets).as("the key's bucket lives in Redis").hasSize(1);
            assertThat(redis.sync().pttl(buckets.getFirst())).as("expires when full again, within a day")
                    .isBetween(86_000_000L, 86_400_000L);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void tokenEstimatesAreSettledInRedis() {
        String key = createKey("rlim-tokens");
        HttpResponse<String> first = post(LimitsEndToEndTest.CHAT, key,
                LimitsEndToEndTest.HELLO.formatted("fake/gpt-fake", ",\"max_tokens\":400"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(LimitsEndToEndTest.header(first, "x-ratelimit-remaining-tokens")).isEqualTo("592");
        assertThat(LimitsEndToEndTest.header(first, "x-ratelimit-limit-requests")).isEqualTo("600");
        HttpResponse<String> second = post(LimitsEndToEndTest.CHAT, key, LimitsEndToEndTest.HELLO.formatted("fake/gpt-fake", ""));
        assertThat(LimitsEndToEndTest.header(second, "x-ratelimit-remaining-tokens"))
                .as("408 estimated, 14 used: 394 given back; 8 estimated for this one").isEqualTo("978");
    }
}
