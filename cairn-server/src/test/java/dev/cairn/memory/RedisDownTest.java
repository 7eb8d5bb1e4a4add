package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.ServerDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Redis configured but not there: memory works from the database and readiness says DEGRADED, not DOWN. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RedisDownTest {

    static final String ADMIN_KEY = CairnServerTest.randomKey();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) throws Exception {
        Path dir = ServerDataDir.create("cairn-redis-down");
        registry.add("cairn.data-dir", dir::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
        registry.add("cairn.providers.idle.type", () -> "openai");
        registry.add("cairn.providers.idle.base-url", () -> "http://127.0.0.1:1/v1");
        registry.add("cairn.redis.url", () -> "redis://127.0.0.1:1");
        registry.add("cairn.redis.timeout", () -> "200ms");
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void memoryKeepsWorkingAndReadinessSaysDegraded() throws Exception {
        HttpResponse<String> added = call("POST", "/v1/memory/items", """
                {"items":[{"kind":"fact","content":"The backup runs at 02:00 every night."}]}""");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        long start = System.nanoTime();
        HttpResponse<String> recall = call("POST", "/v1/memory/recall", """
                {"query":"When does the backup run?"}""");
        assertThat(recall.statusCode()).as(recall.body()).isEqualTo(200);
        JsonNode items = FakeUpstream.JSON.readTree(recall.body()).get("items");
        assertThat(items.get(0).get("content").asString()).contains("02:00");

        HttpResponse<String> ready = call("GET", "/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode health = FakeUpstream.JSON.readTree(ready.body());
        assertThat(health.get("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.get("checks").get("redis").get("status").asString()).isEqualTo("DEGRADED");
        assertThat(health.get("checks").get("database").get("status").asString()).isEqualTo("UP");
    }
}
