package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.Faults;
import dev.cairn.support.UnansweredPort;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of the routing tests: three OpenAI-compatible fakes (providers {@code a}, {@code b},
 * {@code c}) that tests script with {@link Faults}, a provider whose port refuses connections
 * ({@code gone}), and one model group per test so that no test inherits another's breakers. Small
 * breakers (4 calls, 3 s cool-down) and backoff (10 ms) keep the tests fast. Every subclass shares
 * one server.
 */
abstract class RoutingServerTest extends CairnServerTest {

    protected static final FakeUpstream A = FakeUpstream.start();
    protected static final FakeUpstream B = FakeUpstream.start();
    protected static final FakeUpstream C = FakeUpstream.start();
    /** Never completes a TCP handshake: only a connect timeout ends a call to it. */
    private static final UnansweredPort MUTE = UnansweredPort.open();

    @DynamicPropertySource
    static void routing(DynamicPropertyRegistry registry) {
        provider(registry, "a", A.baseUrl());
        provider(registry, "b", B.baseUrl());
        provider(registry, "c", C.baseUrl());
        provider(registry, "gone", Faults.refusingBaseUrl());
        registry.add("cairn.routing.backoff", () -> "10ms");
        registry.add("cairn.routing.max-backoff", () -> "50ms");
        registry.add("cairn.routing.max-retry-after", () -> "5s");
        registry.add("cairn.routing.breaker.minimum-calls", () -> "4");
        registry.add("cairn.routing.breaker.window", () -> "4");
        // Long enough that a slow machine's health and metrics reads fit inside it, short enough to wait out.
        registry.add("cairn.routing.breaker.cool-down", () -> "3s");

        // RoutingFailoverTest
        group(registry, "burst", "priority", "a/burst", "b/burst");
        group(registry, "rl", "priority", "a/rl", "b/rl");
        group(registry, "strict400", "priority", "a/strict400", "b/strict400");
        group(registry, "refusing", "priority", "gone/refusing", "a/refusing");
        group(registry, "garbled", "priority", "a/garbled", "b/garbled");
        group(registry, "slow", "priority", "a/slow", "b/slow");
        // The provider waits 1 s for a connect; this deployment of it only 200 ms.
        provider(registry, "mute", MUTE.baseUrl());
        group(registry, "unanswered", "priority", "mute/unanswered", "b/unanswered");
        registry.add("cairn.models.unanswered.deployments[0].connect-timeout", () -> "200ms");
        registry.add("cairn.models.slow.deployments[0].timeout", () -> "300ms");
        group(registry, "capped", null, "a/capped");
        registry.add("cairn.models.capped.max-attempts", () -> "2");
        group(registry, "hurried", null, "a/hurried");
        registry.add("cairn.models.hurried.deadline", () -> "600ms");
        group(registry, "primary", null, "a/primary");
        registry.add("cairn.models.primary.fallbacks[0]", () -> "secondary");
        group(registry, "secondary", null, "b/secondary");
        registry.add("cairn.models.secondary.fallbacks[0]", () -> "tertiary");
        group(registry, "tertiary", null, "c/tertiary");
        group(registry, "small", null, "a/small");
        registry.add("cairn.models.small.context-window-fallbacks[0]", () -> "large");
        group(registry, "large", null, "b/large");
        group(registry, "strict", null, "a/strict");
        registry.add("cairn.models.strict.content-policy-fallbacks[0]", () -> "lenient");
        group(registry, "lenient", null, "b/lenient");
        group(registry, "guarded", null, "a/guarded");
        registry.add("cairn.models.guarded.fallbacks[0]", () -> "forbidden");
        registry.add("cairn.models.guarded.fallbacks[1]", () -> "permitted");
        group(registry, "forbidden", null, "b/forbidden");
        group(registry, "permitted", null, "c/permitted");
        group(registry, "charged", "priority", "a/charged", "b/charged");
        registry.add("cairn.pricing[1].model", () -> "b/charged");
        registry.add("cairn.pricing[1].input", () -> "1");
        registry.add("cairn.pricing[1].output", () -> "2");

        // RoutingStrategyTest
        group(registry, "weighted", "weighted", "a/weighted", "b/weighted");
        registry.add("cairn.models.weighted.deployments[0].weight", () -> "3");
        registry.add("cairn.models.weighted.deployments[1].weight", () -> "1");
        group(registry, "prio", "priority", "a/prio", "b/prio");
        group(registry, "tiered", "weighted", "a/tiered", "b/tiered");
        registry.add("cairn.models.tiered.deployments[0].tier", () -> "1");
        registry.add("cairn.models.tiered.deployments[1].tier", () -> "2");

        // RoutingBreakerTest
        group(registry, "fragile", "priority", "a/fragile", "b/fragile");
        group(registry, "doomed", "priority", "a/doomed", "b/doomed");
        group(registry, "crowd", "priority", "a/crowd", "b/crowd");

        // RoutingStreamTest
        group(registry, "streamy", "priority", "a/streamy", "b/streamy");
        registry.add("cairn.models.streamy.deployments[0].first-token-timeout", () -> "300ms");
        group(registry, "cut", "priority", "a/cut", "b/cut");
    }

    private static void provider(DynamicPropertyRegistry registry, String name, String baseUrl) {
        registry.add("cairn.providers." + name + ".type", () -> "openai");
        registry.add("cairn.providers." + name + ".base-url", () -> baseUrl);
        registry.add("cairn.providers." + name + ".read-timeout", () -> "5s");
        registry.add("cairn.providers." + name + ".connect-timeout", () -> "1s");
    }

    private static void group(DynamicPropertyRegistry registry, String name, String strategy, String... deployments) {
        if (strategy != null) {
            registry.add("cairn.models." + name + ".strategy", () -> strategy);
        }
        for (int i = 0; i < deployments.length; i++) {
            String model = deployments[i];
            registry.add("cairn.models." + name + ".deployments[" + i + "].model", () -> model);
        }
    }

    @BeforeEach
    void resetFakes() {
        A.reset();
        B.reset();
        C.reset();
    }

    protected static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hi").build();
    }

    /** One chat completion through the official SDK, with the answer's headers. */
    protected HttpResponseFor<ChatCompletion> complete(OpenAIClient client, String model) {
        return client.chat().completions().withRawResponse().create(chat(model));
    }

    protected static String header(HttpResponseFor<?> response, String name) {
        List<String> values = response.headers().values(name);
        assertThat(values).as(name).hasSize(1);
        return values.getFirst();
    }

    protected static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    /** The {@code routing.attempts} of a request's audit entry, read with an auditor key of its workspace. */
    protected List<JsonNode> attempts(String workspace, String requestId) {
        return routing(workspace, requestId).path("attempts").valueStream().toList();
    }

    protected JsonNode routing(String workspace, String requestId) {
        HttpResponse<String> found = get("/v1/audit/requests/" + requestId, createKeyWithRole(workspace, "auditor"));
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        return json(found).path("entry").path("data").path("routing");
    }

    /** Each attempt as {@code deployment:error:then}, {@code error} being {@code ok} for an answer. */
    protected static List<String> summary(List<JsonNode> attempts) {
        List<String> lines = new ArrayList<>();
        for (JsonNode attempt : attempts) {
            lines.add(attempt.path("deployment").asString() + ":" + attempt.path("error").asString("ok") + ":"
                    + attempt.path("then").asString());
        }
        return lines;
    }

    /** The body of {@code /health/ready} as JSON (200 or 503 alike). */
    protected JsonNode ready() {
        return json(get("/health/ready", null));
    }

    protected String metrics() {
        HttpResponse<String> metrics = get("/metrics", ADMIN_KEY);
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code timeout}. */
    protected static void await(Duration timeout, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
