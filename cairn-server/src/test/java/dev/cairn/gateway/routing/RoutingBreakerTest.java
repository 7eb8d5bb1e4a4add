package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.openai.client.OpenAIClient;
import com.openai.errors.OpenAIServiceException;
import dev.cairn.support.Faults;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Per-deployment circuit breakers as a client and an operator see them: a failing deployment stops
 * being called, readiness and metrics name it, it is probed after its cool-down and used again once
 * it answers; when every deployment is open the client is told when to come back.
 */
class RoutingBreakerTest extends RoutingServerTest {

    @Test
    void aBreakerOpensWhileItsDeploymentFailsAndClosesAgainOnceItAnswers() {
        Faults.Script a = Faults.always(Faults.unavailable());
        A.handler(a);
        OpenAIClient client = openAi(createKey("fragile-ws"));
        // Window 4, minimum 4 calls, 50 %: four failures open it. The client sees none of them.
        for (int i = 0; i < 4; i++) {
            assertThat(header(complete(client, "fragile"), "Cairn-Route")).isEqualTo("b/fragile");
        }
        assertThat(a.calls()).isEqualTo(4);

        JsonNode deployments = ready().path("checks").path("deployments");
        assertThat(deployments.path("status").asString()).isEqualTo("DEGRADED");
        assertThat(deployments.path("open").valueStream().map(JsonNode::asString)).contains("a/fragile");
        assertThat(deployments.path("a/fragile").asString()).isEqualTo("OPEN");
        assertThat(deployments.path("b/fragile").asString()).isEqualTo("CLOSED");
        assertThat(metrics())
                .containsPattern("cairn_route_breaker_state\\{deployment=\"a/fragile\"} 2")
                .containsPattern("cairn_route_breaker_state\\{deployment=\"b/fragile\"} 0")
                .containsPattern("cairn_route_attempts_total\\{deployment=\"a/fragile\",result=\"http_503\"} 4")
                .containsPattern("cairn_route_attempts_total\\{deployment=\"b/fragile\",result=\"ok\"} 4");

        // Open: a is not called at all, b answers at the first attempt.
        for (int i = 0; i < 5; i++) {
            assertThat(header(complete(client, "fragile"), "Cairn-Attempts")).isEqualTo("1");
        }
        assertThat(a.calls()).isEqualTo(4);

        // a recovers: after the cool-down its probes answer and the breaker closes.
        A.handler(Faults.always(Faults.ok()));
        await(Duration.ofSeconds(10), "a/fragile to close",
                () -> header(complete(client, "fragile"), "Cairn-Route").equals("a/fragile")
                        && ready().path("checks").path("deployments").path("a/fragile").asString().equals("CLOSED"));
        assertThat(header(complete(client, "fragile"), "Cairn-Route")).isEqualTo("a/fragile");
        assertThat(metrics()).containsPattern("cairn_route_breaker_state\\{deployment=\"a/fragile\"} 0");
    }

    @Test
    void concurrentClientsSeeNoErrorWhileOneDeploymentFailsAndItsBreakerOpensUnderThem() throws Exception {
        Faults.Script a = Faults.always(Faults.unavailable());
        A.handler(a);
        OpenAIClient client = openAi(createKey("crowd-ws"));
        List<Future<String>> routes = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 48; i++) {
                routes.add(clients.submit(() -> header(complete(client, "crowd"), "Cairn-Route")));
            }
        }
        for (Future<String> route : routes) {
            assertThat(route.get()).isEqualTo("b/crowd");
        }
        // Requests already past the breaker when it opened may still reach a; far fewer than 48 do.
        assertThat(a.calls()).isBetween(4, 24);
        assertThat(ready().path("checks").path("deployments").path("a/crowd").asString()).isEqualTo("OPEN");
    }

    @Test
    void whenEveryDeploymentIsOpenTheClientGets503WithRetryAfterAndNoUpstreamIsCalled() {
        A.handler(Faults.always(Faults.unavailable()));
        B.handler(Faults.always(Faults.unavailable()));
        OpenAIClient client = openAi(createKey("doomed-ws"));
        OpenAIServiceException[] last = new OpenAIServiceException[1];
        await(Duration.ofSeconds(5), "both breakers open", () -> {
            last[0] = catchThrowableOfType(OpenAIServiceException.class, () -> complete(client, "doomed"));
            return last[0].statusCode() == 503;
        });
        int calls = A.received().size() + B.received().size();
        long start = System.nanoTime();
        OpenAIServiceException refused = catchThrowableOfType(OpenAIServiceException.class, () -> complete(client, "doomed"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.code()).hasValue("no_deployment_available");
        // When the first breaker's cool-down (3 s) ends, in whole seconds.
        assertThat(refused.headers().values("Retry-After")).singleElement()
                .satisfies(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 3));
        assertThat(A.received().size() + B.received().size()).isEqualTo(calls);
        assertThat(ready().path("checks").path("deployments").path("open").valueStream().map(JsonNode::asString))
                .contains("a/doomed", "b/doomed");
    }
}
