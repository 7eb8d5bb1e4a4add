package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same limits with buckets in the machine's Redis (cairn.redis.url, a prefix of this run's
 * own, deleted afterwards): exact admission under concurrency through the HTTP server, buckets
 * visible in Redis, token settling done there, and a second Cairn process (its own JVM and
 * database) that shares a limit with this one.
 */
class RedisLimitsEndToEndTest extends CairnServerTest {

    static final String PREFIX = "cairn-test:" + UUID.randomUUID() + ":";
    /** The admin keys' workspace's daily requests, in this process and the second one. */
    static final int SHARED_LIMIT = 30;

    @TempDir
    Path dir;

    @DynamicPropertySource
    static void redisLimits(DynamicPropertyRegistry registry) {
        registry.add("cairn.redis.url", () -> RedisBucketsTest.REDIS_URL);
        registry.add("cairn.limits.redis-prefix", () -> PREFIX);
        registry.add("cairn.limits.workspaces.rlim-burst.key.requests-per-day", () -> "40");
        registry.add("cairn.limits.workspaces.rlim-tokens.key.tokens-per-day", () -> "1000");
        registry.add("cairn.limits.workspaces.rlim-tokens.workspace.requests-per-minute", () -> "600");
        registry.add("cairn.limits.workspaces.default.workspace.requests-per-day", () -> Integer.toString(SHARED_LIMIT));
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

    @Test
    void aSecondProcessAndThisOneTogetherAdmitExactlyTheSharedLimit() throws Exception {
        Path config = dir.resolve("cairn.yaml");
        Files.writeString(config, """
                cairn:
                  redis:
                    url: %s
                  limits:
                    redis-prefix: "%s"
                    workspaces:
                      default:
                        workspace:
                          requests-per-day: %d
                """.formatted(RedisBucketsTest.REDIS_URL, PREFIX, SHARED_LIMIT));
        int otherPort = freePort();
        Process other = startCairn(otherPort, config);
        try {
            awaitReady(other, otherPort);
            int[] ports = {port, otherPort};
            int admitted = 0;
            int refused = 0;
            try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<int[]>> futures = new ArrayList<>();
                for (int t = 0; t < 32; t++) {
                    int target = ports[t % 2];
                    futures.add(pool.submit(() -> {
                        go.await();
                        int[] counts = new int[2];
                        for (int i = 0; i < 4; i++) {
                            int status = adminChat(target).statusCode();
                            assertThat(status).isIn(200, 429);
                            counts[status == 200 ? 0 : 1]++;
                        }
                        return counts;
                    }));
                }
                go.countDown();
                for (Future<int[]> future : futures) {
                    int[] counts = future.get();
                    admitted += counts[0];
                    refused += counts[1];
                }
            }
            assertThat(admitted).as("both processes draw on one bucket in Redis").isEqualTo(SHARED_LIMIT);
            assertThat(refused).isEqualTo(32 * 4 - SHARED_LIMIT);
            HttpResponse<String> again = adminChat(otherPort);
            assertThat(again.statusCode()).isEqualTo(429);
            assertThat(LimitsEndToEndTest.header(again, "x-ratelimit-remaining-requests")).isEqualTo("0");
        } finally {
            other.destroy();
            other.waitFor();
        }
    }

    /** Cairn in its own JVM, with its own SQLite database, the same admin key and the given config. */
    private Process startCairn(int cairnPort, Path config) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "dev.cairn.CairnApplication", "serve", "--port", Integer.toString(cairnPort),
                "--data-dir", dir.resolve("data").toString(), "--config", config.toString()));
        builder.environment().put("CAIRN_BOOTSTRAP_ADMIN_KEY", ADMIN_KEY);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("cairn.log").toFile());
        return builder.start();
    }

    private void awaitReady(Process process, int cairnPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Cairn exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("cairn.log")));
            }
            try {
                if (send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cairnPort + "/health/ready")).build())
                        .statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The second Cairn did not become ready in 120 s");
    }

    private static HttpResponse<String> adminChat(int cairnPort) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cairnPort + LimitsEndToEndTest.CHAT))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(LimitsEndToEndTest.HELLO.formatted("cairn/echo", ""))).build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
