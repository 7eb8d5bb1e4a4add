package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cairn.support.UnansweredPort;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@link RedisRouteState}s over the machine's Redis, standing for two Cairn processes (a prefix
 * of this test's own, deleted afterwards): blocks seen by the other within a second, the later
 * block winning, unblocking and expiry seen by both, breakers that agree across processes, and a
 * Redis that is not there costing callers nothing.
 */
class RedisRouteStateTest {

    static final String REDIS_URL = System.getenv().getOrDefault("CAIRN_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    /** Three refreshes: the write, one refresh, and slack for a busy machine. */
    static final Duration SEEN_WITHIN = Duration.ofMillis(1_500);
    static final String DEPLOYMENT = "openai/gpt-test";

    private final String prefix = "cairn-test:" + UUID.randomUUID() + ":";
    private final List<RedisRouteState> states = new ArrayList<>();

    /** The test's own look at Redis, as a third party. */
    private final RedisClient client = RedisClient.create(REDIS_URL);
    private final StatefulRedisConnection<String, String> check = client.connect();

    @AfterEach
    void cleanUp() {
        states.forEach(RedisRouteState::close);
        try {
            List<String> keys = check.sync().scan(ScanArgs.Builder.matches(prefix + "*").limit(10_000)).getKeys();
            if (!keys.isEmpty()) {
                check.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            check.close();
            client.shutdown();
        }
    }

    private RedisRouteState process() {
        return process(REDIS_URL, Duration.ofSeconds(2));
    }

    private RedisRouteState process(String url, Duration timeout) {
        RedisRouteState state = new RedisRouteState(url, timeout, prefix);
        states.add(state);
        return state;
    }

    @Test
    void aBlockInOneProcessIsSeenByTheOtherWithinASecond() {
        RedisRouteState one = process();
        RedisRouteState two = process();
        assertThat(two.blockedUntil(DEPLOYMENT)).as("asked about, so refreshed from now on").isZero();
        long until = System.currentTimeMillis() + 30_000;
        one.block(DEPLOYMENT, until, "open");
        assertThat(one.blockedUntil(DEPLOYMENT)).as("at once in the process that blocked").isEqualTo(until);
        await().atMost(SEEN_WITHIN).until(() -> two.blockedUntil(DEPLOYMENT) == until);
        assertThat(redisGet(DEPLOYMENT)).isEqualTo(Long.toString(until));
        assertThat(redisPttl(DEPLOYMENT)).isBetween(25_000L, 30_000L);
        assertThat(one.store()).isEqualTo("redis");
        assertThat(one.reachable()).isTrue();
    }

    @Test
    void aLaterBlockWinsOverAnEarlierOneWhicheverComesFirst() throws Exception {
        RedisRouteState one = process();
        RedisRouteState two = process();
        long now = System.currentTimeMillis();
        one.block(DEPLOYMENT, now + 60_000, "cooling");
        await().atMost(SEEN_WITHIN).until(() -> two.blockedUntil(DEPLOYMENT) == now + 60_000);
        two.block(DEPLOYMENT, now + 20_000, "open");
        assertThat(two.blockedUntil(DEPLOYMENT)).as("the local copy keeps the later one too").isEqualTo(now + 60_000);
        Thread.sleep(SEEN_WITHIN.toMillis());
        assertThat(redisGet(DEPLOYMENT)).isEqualTo(Long.toString(now + 60_000));
        assertThat(one.blockedUntil(DEPLOYMENT)).isEqualTo(now + 60_000);

        two.block(DEPLOYMENT, now + 90_000, "open");
        await().atMost(SEEN_WITHIN).until(() -> one.blockedUntil(DEPLOYMENT) == now + 90_000);
        assertThat(redisPttl(DEPLOYMENT)).isBetween(80_000L, 90_000L);
    }

    @Test
    void unblockingClearsTheBlockForBothProcesses() {
        RedisRouteState one = process();
        RedisRouteState two = process();
        long until = System.currentTimeMillis() + 30_000;
        one.block(DEPLOYMENT, until, "open");
        await().atMost(SEEN_WITHIN).until(() -> two.blockedUntil(DEPLOYMENT) == until);
        two.unblock(DEPLOYMENT);
        assertThat(two.blockedUntil(DEPLOYMENT)).as("at once in the process that unblocked").isZero();
        await().atMost(SEEN_WITHIN).until(() -> one.blockedUntil(DEPLOYMENT) == 0);
        assertThat(redisGet(DEPLOYMENT)).isNull();
    }

    @Test
    void anUnblockDoesNotLiftABlockMadeElsewhereThatItHasNotSeen() throws Exception {
        RedisRouteState one = process();
        RedisRouteState two = process();
        long now = System.currentTimeMillis();
        one.block(DEPLOYMENT, now + 10_000, "open");
        await().atMost(SEEN_WITHIN).until(() -> redisGet(DEPLOYMENT) != null);
        redisSet(DEPLOYMENT, now + 50_000); // a third process, just now
        one.unblock(DEPLOYMENT);
        Thread.sleep(SEEN_WITHIN.toMillis());
        assertThat(redisGet(DEPLOYMENT)).isEqualTo(Long.toString(now + 50_000));
        assertThat(one.blockedUntil(DEPLOYMENT)).isEqualTo(now + 50_000);
        assertThat(two.blockedUntil(DEPLOYMENT)).isZero();
        await().atMost(SEEN_WITHIN).until(() -> two.blockedUntil(DEPLOYMENT) == now + 50_000);
    }

    @Test
    void aBlockEndsForBothWhenItsKeyExpires() {
        RedisRouteState one = process();
        RedisRouteState two = process();
        two.blockedUntil(DEPLOYMENT);
        long until = System.currentTimeMillis() + 1_000;
        one.block(DEPLOYMENT, until, "cooling");
        await().atMost(SEEN_WITHIN).until(() -> two.blockedUntil(DEPLOYMENT) == until);
        await().atMost(Duration.ofMillis(1_000 + SEEN_WITHIN.toMillis()))
                .until(() -> redisGet(DEPLOYMENT) == null && one.blockedUntil(DEPLOYMENT) == 0 && two.blockedUntil(DEPLOYMENT) == 0);
    }

    @Test
    void breakersOfTheSameDeploymentInTwoProcessesAgree() {
        DeploymentStates one = deploymentStates(process());
        DeploymentStates two = deploymentStates(process());
        DeploymentState here = one.of(DEPLOYMENT);
        DeploymentState there = two.of(DEPLOYMENT);
        assertThat(there.breakerState(System.currentTimeMillis())).isEqualTo("CLOSED");
        for (int i = 0; i < 4; i++) {
            assertThat(here.acquire()).isTrue();
            here.started(System.currentTimeMillis());
            here.failed(1_000_000, new IllegalStateException("503 from upstream"));
        }
        assertThat(here.breakerState(System.currentTimeMillis())).isEqualTo("OPEN");
        await().atMost(SEEN_WITHIN).until(() -> there.breakerState(System.currentTimeMillis()).equals("OPEN"));
        long now = System.currentTimeMillis();
        assertThat(there.available(now, null, null)).isFalse();
        assertThat(there.availableAt(now)).as("until the first process's cool-down ends")
                .isBetween(now + 25_000, now + 30_000);
        assertThat(there.acquire()).as("the other process's own breaker is still closed").isTrue();
        there.released();
    }

    @Test
    void withRedisRefusingConnectionsNothingThrowsOrWaitsAndBlocksStayLocal() {
        assertLocalOnly(process("redis://127.0.0.1:1", Duration.ofMillis(200)));
    }

    @Test
    void withRedisNotAnsweringNothingThrowsOrWaitsAndBlocksStayLocal() {
        int port = URI.create(UnansweredPort.open().baseUrl()).getPort(); // held open until the JVM ends, as elsewhere
        assertLocalOnly(process("redis://127.0.0.1:" + port, Duration.ofSeconds(1)));
    }

    @Test
    void manyBlocksAtOnceAllReachRedisAndStayLocalMeanwhile() throws Exception {
        RedisRouteState one = process();
        long until = System.currentTimeMillis() + 30_000;
        for (int i = 0; i < 50; i++) {
            one.block("other/model-" + i, until, "open");
            assertThat(one.blockedUntil("other/model-" + i)).as("a refresh in flight does not undo it").isEqualTo(until);
        }
        await().atMost(SEEN_WITHIN).until(() -> redisGet("other/model-49") != null && redisGet("other/model-0") != null);
        Thread.sleep(RedisRouteState.REFRESH.toMillis() * 2);
        for (int i = 0; i < 50; i++) {
            assertThat(one.blockedUntil("other/model-" + i)).as("refreshed from Redis, unchanged").isEqualTo(until);
        }
    }

    @Test
    void whileRedisIsGoneBlocksStayLocalAndAreSentWhenItIsBack() throws Exception {
        try (TcpProxy proxy = TcpProxy.to(URI.create(REDIS_URL))) {
            RedisRouteState one = process("redis://127.0.0.1:" + proxy.port(), Duration.ofMillis(300));
            RedisRouteState two = process();
            long until = System.currentTimeMillis() + 60_000;
            one.block("first/model", until, "open");
            await().atMost(SEEN_WITHIN).until(() -> redisGet("first/model") != null);

            proxy.stop();
            two.blockedUntil("second/model");
            await().atMost(Duration.ofSeconds(2)).until(() -> !one.reachable());
            one.block("second/model", until, "cooling");
            assertThat(one.blockedUntil("second/model")).isEqualTo(until);
            assertThat(one.blockedUntil("first/model")).as("what it knew, it keeps").isEqualTo(until);
            Thread.sleep(SEEN_WITHIN.toMillis());
            assertThat(two.blockedUntil("second/model")).as("not shared while Redis is gone").isZero();

            proxy.start();
            await().atMost(RedisRouteState.RETRY_AFTER.plus(SEEN_WITHIN).plusSeconds(1)).until(one::reachable);
            await().atMost(SEEN_WITHIN).until(() -> two.blockedUntil("second/model") == until);
        }
    }

    private void assertLocalOnly(RedisRouteState gone) {
        long until = System.currentTimeMillis() + 30_000;
        long started = System.nanoTime();
        assertThat(gone.blockedUntil(DEPLOYMENT)).isZero();
        gone.block(DEPLOYMENT, until, "open");
        gone.block("other/model", until, "cooling");
        gone.unblock("other/model");
        assertThat(gone.blockedUntil(DEPLOYMENT)).isEqualTo(until);
        assertThat(gone.blockedUntil("other/model")).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("callers never wait for Redis")
                .isLessThan(Duration.ofMillis(250));
        await().atMost(Duration.ofSeconds(3)).until(() -> !gone.reachable());
        assertThat(gone.blockedUntil(DEPLOYMENT)).as("the local copy goes on alone").isEqualTo(until);
        assertThat(gone.store()).isEqualTo("redis");

    }

    private static DeploymentStates deploymentStates(SharedRouteState shared) {
        RoutingProperties.Breaker breaker = new RoutingProperties.Breaker(50, 4, 4, 100, Duration.ofSeconds(60),
                Duration.ofSeconds(30), 2);
        RoutingProperties properties = new RoutingProperties(new RoutingProperties.Routing(3, Duration.ofMinutes(10),
                Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(60), breaker), Map.of());
        return new DeploymentStates(properties, shared, new RoutingMetrics(new SimpleMeterRegistry()));
    }

    private String redisGet(String deployment) {
        return check.sync().get(prefix + "route:" + deployment);
    }

    private long redisPttl(String deployment) {
        return check.sync().pttl(prefix + "route:" + deployment);
    }

    private void redisSet(String deployment, long until) {
        check.sync().psetex(prefix + "route:" + deployment, until - System.currentTimeMillis(), Long.toString(until));
    }
}
