package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.ServerDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** With cairn.redis.url set routing's blocks live in Redis; when it does not answer, readiness's deployments check says so. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RedisRouteStateDownTest {

    static final String ADMIN_KEY = CairnServerTest.randomKey();

    @LocalServerPort
    int port;

    @Autowired
    SharedRouteState shared;

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) throws Exception {
        Path dir = ServerDataDir.create("cairn-route-redis-down");
        registry.add("cairn.data-dir", dir::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
        registry.add("cairn.redis.url", () -> "redis://127.0.0.1:1");
        registry.add("cairn.redis.timeout", () -> "200ms");
    }

    @Test
    void readinessSaysTheSharedStoreIsUnreachable() {
        assertThat(shared).isInstanceOf(RedisRouteState.class);
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("degraded is still ready").isEqualTo(200);
            JsonNode deployments = FakeUpstream.JSON.readTree(ready.body()).get("checks").get("deployments");
            assertThat(deployments.get("status").asString()).isEqualTo("DEGRADED");
            assertThat(deployments.get("store").asString()).isEqualTo("redis (unreachable)");
        });
    }
}
