package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.cairn.access.Principal;
import dev.cairn.access.Role;
import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.GatewayProperties;
import dev.cairn.gateway.ModelRouter;
import dev.cairn.gateway.Usage;
import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.TraceContext;
import dev.cairn.support.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failover loop on its own, without a server: scripted outcomes per deployment, real breakers,
 * real route tables over configured (never called) providers. What each attempt did is read from
 * the calls made and from {@link Routed#attempts()}.
 */
class FailoverTest {

    private static final Principal ANYONE = new Principal("key_x", "ws", Role.USER, List.of());

    private final ModelRouter router = new ModelRouter(Settings.bind("cairn", GatewayProperties.class, Settings.of(
            "cairn.providers.a.base-url", "http://127.0.0.1:1/v1", "cairn.providers.b.base-url", "http://127.0.0.1:1/v1",
            "cairn.providers.c.base-url", "http://127.0.0.1:1/v1")));
    private final List<String> calls = new ArrayList<>();

    @AfterEach
    void close() {
        router.close();
    }

    /** What one scripted call came to. */
    private record Outcome(RuntimeException failure, boolean committed, long latencyNanos, Usage usage, boolean refused)
            implements Attempt.Outcome {

        static Outcome ok() {
            return new Outcome(null, false, 1_000_000, new Usage(10, 5), false);
        }

        static Outcome failed(RuntimeException e) {
            return new Outcome(e, false, 1_000_000, Usage.NONE, false);
        }
    }

    private static RuntimeException status(int status) {
        return status >= 500 ? GatewayException.upstreamFailed("x", status, "HTTP " + status, null)
                : GatewayException.upstreamRefused("x", status, "refused", null, null, null,
                status == 429 ? GatewayException.FaultKind.RATE_LIMITED : GatewayException.FaultKind.REFUSED, null);
    }

    private RouteTable table(Map<String, String> settings) {
        RoutingProperties properties = Settings.bind("cairn", RoutingProperties.class, settings);
        GroupCheck.check("cairn.models.", properties.models(), name -> router.resolve(name) != null);
        DeploymentStates states = new DeploymentStates(properties, new LocalRouteState(), new RoutingMetrics(new SimpleMeterRegistry()));
        return RouteTable.build(properties.models(), 1, properties.routing(), router, states);
    }

    private Routed<Outcome> run(RouteTable table, String model, Map<String, String> settings, Function<String, Outcome> script) {
        RoutingProperties properties = Settings.bind("cairn", RoutingProperties.class, settings);
        Plan plan = new Plan(table.group(model), null, ANYONE, table);
        return new Failover<Outcome>(plan, (deployment, call, number) -> {
            calls.add(deployment.name());
            return script.apply(deployment.name());
        }, TraceContext.from(null), properties.routing(), new RoutingMetrics(new SimpleMeterRegistry())).run();
    }

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> map = new HashMap<>(Settings.of("cairn.routing.backoff", "1ms", "cairn.routing.max-backoff", "2ms"));
        map.putAll(Settings.of(pairs));
        return map;
    }

    @Test
    void aFailingDeploymentHandsTheRequestToAnotherAtOnce() {
        Map<String, String> settings = settings("cairn.models.smart.strategy", "priority",
                "cairn.models.smart.deployments[0].model", "a/m", "cairn.models.smart.deployments[1].model", "b/m");
        Routed<Outcome> routed = run(table(settings), "smart", settings,
                name -> name.equals("a/m") ? Outcome.failed(status(503)) : Outcome.ok());

        assertThat(calls).containsExactly("a/m", "b/m");
        assertThat(routed.failure()).isNull();
        assertThat(routed.deployment().name()).isEqualTo("b/m");
        assertThat(routed.attempts()).extracting(RouteAttempt::deployment, RouteAttempt::status, RouteAttempt::error, RouteAttempt::then)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a/m", 503, "http_503", "retry"),
                        org.assertj.core.groups.Tuple.tuple("b/m", 200, null, "answer"));
    }

    @Test
    void aRequestTheUpstreamRefusesIsNotRetried() {
        Map<String, String> settings = settings("cairn.models.smart.deployments[0].model", "a/m",
                "cairn.models.smart.deployments[1].model", "b/m", "cairn.models.smart.fallbacks[0]", "c/m");
        Routed<Outcome> routed = run(table(settings), "smart", settings, name -> Outcome.failed(status(400)));

        assertThat(calls).hasSize(1);
        assertThat(routed.failure()).isInstanceOf(GatewayException.class);
        assertThat(routed.attempts().getFirst().then()).isEqualTo("fail");
        assertThat(routed.attempts().getFirst().why()).isEqualTo("not_retryable");
    }

    @Test
    void attemptsStopAtTheGroupsLimitThenFallBackDepthFirst() {
        Map<String, String> settings = settings(
                "cairn.models.first.deployments[0].model", "a/m", "cairn.models.first.max-attempts", "2",
                "cairn.models.first.fallbacks[0]", "second", "cairn.models.first.fallbacks[1]", "c/last",
                "cairn.models.second.deployments[0].model", "b/m", "cairn.models.second.max-attempts", "1",
                "cairn.models.second.fallbacks[0]", "c/nested");
        Routed<Outcome> routed = run(table(settings), "first", settings,
                name -> name.equals("c/last") ? Outcome.ok() : Outcome.failed(status(502)));

        // second's own fallback (c/nested, 3 attempts by default) comes before first's next one.
        assertThat(calls).containsExactly("a/m", "a/m", "b/m", "c/nested", "c/nested", "c/nested", "c/last");
        assertThat(routed.failure()).isNull();
        assertThat(routed.attempts()).extracting(RouteAttempt::then)
                .containsExactly("retry", "fallback", "fallback", "retry", "retry", "fallback", "answer");
    }

    @Test
    void aPromptTooLongGoesToTheContextWindowFallbacksOnly() {
        Map<String, String> settings = settings("cairn.models.small.deployments[0].model", "a/small",
                "cairn.models.small.fallbacks[0]", "b/other", "cairn.models.small.context-window-fallbacks[0]", "c/long");
        RuntimeException tooLong = GatewayException.upstreamRefused("a", 400, "maximum context length is 8192 tokens", null,
                "context_length_exceeded", null, GatewayException.FaultKind.CONTEXT_WINDOW, null);
        Routed<Outcome> routed = run(table(settings), "small", settings,
                name -> name.equals("a/small") ? Outcome.failed(tooLong) : Outcome.ok());

        assertThat(calls).containsExactly("a/small", "c/long");
        assertThat(routed.attempts().getFirst().why()).isEqualTo("context_window");
    }

    @Test
    void aContentFilteredAnswerFallsBackOnlyWhereConfigured() {
        Map<String, String> with = settings("cairn.models.g.deployments[0].model", "a/m",
                "cairn.models.g.content-policy-fallbacks[0]", "b/m");
        Function<String, Outcome> script = name -> name.equals("a/m")
                ? new Outcome(null, false, 1_000_000, new Usage(20, 1), true) : Outcome.ok();
        Routed<Outcome> fellBack = run(table(with), "g", with, script);
        assertThat(calls).containsExactly("a/m", "b/m");
        assertThat(fellBack.attempts().getFirst().error()).isEqualTo("content_policy");
        assertThat(fellBack.attempts().getFirst().usage().promptTokens()).isEqualTo(20);

        calls.clear();
        Map<String, String> without = settings("cairn.models.g.deployments[0].model", "a/m");
        Routed<Outcome> kept = run(table(without), "g", without, script);
        assertThat(calls).containsExactly("a/m");
        assertThat(kept.failure()).isNull();
        assertThat(kept.outcome().refused()).isTrue();
    }

    @Test
    void aStreamThatHasStartedIsNeverHandedOver() {
        Map<String, String> settings = settings("cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.deployments[1].model", "b/m");
        Routed<Outcome> routed = run(table(settings), "g", settings,
                name -> new Outcome(GatewayException.upstreamFailed("a", "stream ended before [DONE]"), true, 1, Usage.NONE, false));

        assertThat(calls).hasSize(1);
        assertThat(routed.attempts().getFirst().why()).isEqualTo("stream_started");
        assertThat(routed.failure().getMessage()).contains("stream ended before [DONE]");
    }

    @Test
    void a429MovesToAnotherDeploymentAndARetryOfTheSameWaitsAsAsked() {
        Map<String, String> settings = settings("cairn.models.g.strategy", "priority",
                "cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.deployments[1].model", "b/m",
                "cairn.models.g.max-attempts", "3");
        RuntimeException slowDown = GatewayException.upstreamRefused("a", 429, "slow down", null, null, null,
                GatewayException.FaultKind.RATE_LIMITED, Duration.ofMillis(300));
        int[] bCalls = {0};
        long start = System.nanoTime();
        Routed<Outcome> routed = run(table(settings), "g", settings, name -> {
            if (name.equals("a/m")) {
                return Outcome.failed(slowDown);
            }
            return ++bCalls[0] == 1 ? Outcome.failed(status(503)) : Outcome.ok();
        });
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        // a (429, cooling 300 ms) -> b at once (503) -> a is cooling, so b again after its backoff.
        assertThat(calls).containsExactly("a/m", "b/m", "b/m");
        assertThat(routed.failure()).isNull();
        assertThat(tookMillis).isLessThan(300);

        calls.clear();
        Map<String, String> single = settings("cairn.models.one.deployments[0].model", "c/m");
        int[] cCalls = {0};
        start = System.nanoTime();
        run(table(single), "one", single, name -> ++cCalls[0] == 1 ? Outcome.failed(GatewayException.upstreamRefused("c", 429,
                "slow down", null, null, null, GatewayException.FaultKind.RATE_LIMITED, Duration.ofMillis(250))) : Outcome.ok());
        assertThat(calls).containsExactly("c/m", "c/m");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(240);
    }

    @Test
    void aHigherTierIsUsedOnlyWhileTheLowerOneIsUnavailable() {
        Map<String, String> settings = settings("cairn.models.g.deployments[0].model", "a/m",
                "cairn.models.g.deployments[1].model", "b/m", "cairn.models.g.deployments[1].tier", "2");
        RouteTable table = table(settings);
        for (int i = 0; i < 20; i++) {
            run(table, "g", settings, name -> Outcome.ok());
        }
        assertThat(calls).containsOnly("a/m");

        // A failure moves the request to tier 2 once every deployment of tier 1 has failed in it...
        calls.clear();
        run(table, "g", settings, name -> name.equals("a/m") ? Outcome.failed(status(500)) : Outcome.ok());
        assertThat(calls).containsExactly("a/m", "b/m");
        calls.clear();
        run(table, "g", settings, name -> Outcome.ok());
        assertThat(calls).containsExactly("a/m");

        // ...and tier 2 takes every request while tier 1 is unavailable (cooling down at its upstream's word).
        calls.clear();
        run(table, "g", settings, name -> name.equals("a/m") ? Outcome.failed(GatewayException.upstreamRefused("a", 429, "slow down",
                null, null, null, GatewayException.FaultKind.RATE_LIMITED, Duration.ofSeconds(5))) : Outcome.ok());
        assertThat(calls).containsExactly("a/m", "b/m");
        calls.clear();
        run(table, "g", settings, name -> Outcome.ok());
        assertThat(calls).containsExactly("b/m");
    }

    @Test
    void anOpenBreakerIsSkippedAndWhenAllAreOpenTheAnswerIs503WithRetryAfter() {
        Map<String, String> settings = settings("cairn.models.g.deployments[0].model", "a/m",
                "cairn.routing.breaker.minimum-calls", "2", "cairn.routing.breaker.window", "2",
                "cairn.routing.breaker.cool-down", "5s");
        RouteTable table = table(settings);
        run(table, "g", settings, name -> Outcome.failed(status(503)));
        assertThat(table.group("g").deployments().getFirst().state().breakerState(System.currentTimeMillis())).isEqualTo("OPEN");

        calls.clear();
        Routed<Outcome> routed = run(table, "g", settings, name -> Outcome.ok());
        assertThat(calls).isEmpty();
        assertThat(routed.failure()).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(503);
            assertThat(e.error().code()).isEqualTo("no_deployment_available");
            assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
        });
    }

    @Test
    void weightedChoiceFollowsTheWeights() {
        Map<String, String> settings = settings("cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.deployments[0].weight", "3",
                "cairn.models.g.deployments[1].model", "b/m");
        RouteTable table = table(settings);
        for (int i = 0; i < 2000; i++) {
            run(table, "g", settings, name -> Outcome.ok());
        }
        long a = calls.stream().filter("a/m"::equals).count();
        // 3:1 is 1500 of 2000; six standard deviations (about 19 each) either side.
        assertThat(a).isBetween(1385L, 1615L);
    }

    @Test
    void leastInFlightAndLowestLatencyPreferTheLessBusyAndTheFaster() {
        Map<String, String> latency = settings("cairn.models.g.strategy", "lowest-latency",
                "cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.deployments[1].model", "b/m");
        RouteTable table = table(latency);
        Function<String, Outcome> script = name -> new Outcome(null, false, name.equals("a/m") ? 50_000_000 : 5_000_000, Usage.NONE, false);
        for (int i = 0; i < 10; i++) {
            run(table, "g", latency, script);
        }
        // Both measured once at the start (an unmeasured one goes first), then only the faster.
        assertThat(calls.subList(2, calls.size())).containsOnly("b/m");

        calls.clear();
        Map<String, String> least = settings("cairn.models.h.strategy", "least-in-flight",
                "cairn.models.h.deployments[0].model", "a/x", "cairn.models.h.deployments[1].model", "b/x");
        RouteTable leastTable = table(least);
        leastTable.group("h").deployments().getFirst().state().started(System.currentTimeMillis());
        for (int i = 0; i < 10; i++) {
            run(leastTable, "h", least, name -> Outcome.ok());
        }
        assertThat(calls).containsOnly("b/x");
    }

    @Test
    void badGroupsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> table(settings("cairn.models.g.deployments[0].model", "nope/m")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("cairn.models.g.deployments[0].model 'nope/m' is not '<provider>/<upstream-model>' with a configured provider");
        assertThatThrownBy(() -> table(settings("cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.deployments[0].weight", "0")))
                .hasMessage("cairn.models.g.deployments[0].weight must be 1 or more, not 0");
        assertThatThrownBy(() -> table(settings("cairn.models.x.deployments[0].model", "a/m", "cairn.models.x.fallbacks[0]", "y",
                "cairn.models.y.deployments[0].model", "b/m", "cairn.models.y.context-window-fallbacks[0]", "x")))
                .hasMessageEndingWith("makes a fallback cycle: x -> y -> x");
        assertThatThrownBy(() -> table(settings("cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.fallbacks[0]", "g")))
                .hasMessage("cairn.models.g.fallbacks[0] names the group itself");
        assertThatThrownBy(() -> table(settings("cairn.models.g.deployments[0].model", "a/m", "cairn.models.g.fallbacks[0]", "nowhere")))
                .hasMessageContaining("cairn.models.g.fallbacks[0] 'nowhere' is neither a model group");
        assertThatThrownBy(() -> table(settings("cairn.models.g.strategy", "priority")))
                .hasMessage("cairn.models.g.deployments must list at least one deployment");
    }
}
