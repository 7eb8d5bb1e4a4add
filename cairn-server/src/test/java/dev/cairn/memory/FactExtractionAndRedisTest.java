package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.ServerDataDir;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A Cairn with fact extraction on (a fake model answers the extraction JSON) and the machine's
 * real Redis as the shared cache.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FactExtractionAndRedisTest {

    static final String REDIS_URL = System.getenv().getOrDefault("CAIRN_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    static final FakeUpstream UPSTREAM = FakeUpstream.start();
    static final String ADMIN_KEY = CairnServerTest.randomKey();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) throws Exception {
        Path dir = ServerDataDir.create("cairn-extraction");
        registry.add("cairn.data-dir", dir::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
        registry.add("cairn.providers.fake.type", () -> "openai");
        registry.add("cairn.providers.fake.base-url", UPSTREAM::baseUrl);
        registry.add("cairn.providers.fake.api-key", () -> "sk-upstream");
        registry.add("cairn.memory.extraction.model", () -> "fake/extractor");
        registry.add("cairn.redis.url", () -> REDIS_URL);
        registry.add("cairn.jobs.backoff", () -> "100ms");
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    private HttpResponse<String> call(String method, String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String key(String workspace) throws Exception {
        return FakeUpstream.JSON.readTree(call("POST", "/admin/keys", ADMIN_KEY, """
                {"workspace":"%s","name":"t"}""".formatted(workspace)).body()).get("secret").asString();
    }

    /** Chat answers as usual; the extraction model answers with the next scripted JSON. */
    private static void script(List<String> extractions) {
        UPSTREAM.handler((exchange, request) -> {
            JsonNode body = request.json();
            if (body.path("model").asString("").equals("extractor")) {
                String prompt = body.path("messages").path(1).path("content").asString("");
                String answer = extractions.removeFirst().replace("$KNOWN", known(prompt));
                FakeUpstream.json(exchange, 200, """
                        {"id":"x","object":"chat.completion","created":1,"model":"extractor",
                         "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70}}"""
                        .formatted(FakeUpstream.JSON.writeValueAsString(answer)));
            } else {
                FakeUpstream.openAi(exchange, request);
            }
        });
    }

    /** The id of the first KNOWN item listed in an extraction prompt. */
    private static String known(String prompt) {
        int at = prompt.indexOf("mem_");
        return at < 0 ? "none" : prompt.substring(at, prompt.indexOf(' ', at));
    }

    private JsonNode items(String key, String query) throws Exception {
        return FakeUpstream.JSON.readTree(call("GET", "/v1/memory/items?" + query, key, null).body()).get("data");
    }

    @Test
    void newTurnsBecomeFactsAndALaterTurnSupersedesThem() throws Exception {
        List<String> answers = new ArrayList<>(List.of(
                "```json\n{\"add\":[{\"kind\":\"preference\",\"content\":\"The user prefers aisle seats.\",\"supersedes\":null}],\"retire\":[]}\n```",
                "{\"add\":[{\"kind\":\"preference\",\"content\":\"The user now prefers window seats.\",\"supersedes\":\"$KNOWN\"}],\"retire\":[]}"));
        script(answers);
        String key = key("mem-extract");
        call("POST", "/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"Always book me an aisle seat."}]}""",
                "Cairn-Thread", "seats");
        JsonNode first = awaitItems(key, "kind=preference&thread_id=seats", 1);
        assertThat(first.get(0).get("content").asString()).isEqualTo("The user prefers aisle seats.");
        assertThat(first.get(0).get("source").asString()).startsWith("extraction:req_");
        assertThat(first.get(0).get("metadata").get("extracted_from")).hasSize(2);

        call("POST", "/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"Actually, window seats from now on."}]}""",
                "Cairn-Thread", "seats");
        JsonNode both = awaitItems(key, "kind=preference&thread_id=seats", 2);
        JsonNode newer = both.get(1);
        assertThat(newer.get("content").asString()).isEqualTo("The user now prefers window seats.");
        assertThat(newer.get("supersedes").asString()).isEqualTo(first.get(0).get("id").asString());
        assertThat(both.get(0).get("retired_at").isNull()).as("the superseded preference is retired").isFalse();
        JsonNode live = items(key, "kind=preference&thread_id=seats&include_retired=false");
        assertThat(live).hasSize(1);
        // The extraction prompt showed the model what it already knew.
        String secondPrompt = UPSTREAM.received().stream().map(FakeUpstream.Received::json)
                .filter(j -> j.path("model").asString("").equals("extractor")).toList().getLast()
                .path("messages").path(1).path("content").asString();
        assertThat(secondPrompt).contains("The user prefers aisle seats.").contains("Actually, window seats from now on.");
        // Cairn's own calls to the extraction model are in the audit log like a client's.
        JsonNode entries = FakeUpstream.JSON.readTree(call("GET", "/v1/audit/entries?type=memory.extraction&workspace=mem-extract",
                ADMIN_KEY, null).body()).get("data");
        assertThat(entries).hasSize(2);
        JsonNode entry = FakeUpstream.JSON.readTree(call("GET", "/v1/audit/entries/" + entries.get(0).path("index").asLong(),
                ADMIN_KEY, null).body()).path("entry");
        assertThat(entry.path("data").path("model").asString()).isEqualTo("fake/extractor");
        assertThat(entry.path("data").path("usage").path("prompt_tokens").asInt()).isEqualTo(50);
        assertThat(entry.path("data").path("turns")).hasSize(2);
        assertThat(entry.toString()).doesNotContain("aisle seat"); // the prompt and answer are sealed
    }

    @Test
    void queryEmbeddingsAreSharedThroughRedis() throws Exception {
        String key = key("mem-redis");
        String query = "What colour is the harbour ferry? " + System.nanoTime();
        HttpResponse<String> recall = call("POST", "/v1/memory/recall", key, """
                {"query":"%s"}""".formatted(query));
        assertThat(recall.statusCode()).as(recall.body()).isEqualTo(200);
        RedisClient client = RedisClient.create(REDIS_URL);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            String cacheKey = "cairn:qemb:all-minilm-l6-v2-q:" + MemoryCache.digest(query);
            assertThat(redis.sync().strlen(cacheKey)).as("384 float32 values").isEqualTo(384 * 4);
            assertThat(redis.sync().ttl(cacheKey)).isPositive();
        } finally {
            client.shutdown();
        }
        JsonNode health = FakeUpstream.JSON.readTree(call("GET", "/health/ready", key, null).body());
        assertThat(health.get("checks").get("redis").get("status").asString()).isEqualTo("UP");
    }

    private JsonNode awaitItems(String key, String query, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode found = null;
        while (System.nanoTime() < deadline) {
            found = items(key, query);
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " items for " + query + ", found " + found);
    }
}
