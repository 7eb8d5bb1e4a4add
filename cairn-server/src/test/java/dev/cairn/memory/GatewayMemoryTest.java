package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Chat completions that name a thread: their turns are stored, and with recall on, memory joins the prompt. */
class GatewayMemoryTest extends CairnServerTest {

    private static ChatCompletionCreateParams.Builder chat(String text) {
        return ChatCompletionCreateParams.builder().model("fake/gpt-fake").addSystemMessage("You are a travel agent.")
                .addUserMessage(text);
    }

    private JsonNode items(String key, String thread) {
        return json(get("/v1/memory/items?thread_id=" + thread, key)).get("data");
    }

    @Test
    void turnsOfANamedThreadAreStoredStreamedOrNot() {
        String key = createKey("mem-gw-capture");
        HttpResponseFor<ChatCompletion> raw = openAi(key).chat().completions().withRawResponse()
                .create(chat("Book me a window seat to Oslo.").putAdditionalHeader("Cairn-Thread", "trip-42").build());
        String requestId = raw.headers().values("Cairn-Request-Id").getFirst();
        assertThat(raw.parse().choices().getFirst().message().content()).contains("Hello from upstream");
        // Without recall the prompt reaches the upstream as sent.
        assertThat(UPSTREAM.last().json().get("messages")).hasSize(2);

        JsonNode stored = items(key, "trip-42");
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).get("content").asString()).isEqualTo("Book me a window seat to Oslo.");
        assertThat(stored.get(0).get("metadata").get("role").asString()).isEqualTo("user");
        assertThat(stored.get(0).get("source").asString()).isEqualTo(requestId);
        assertThat(stored.get(1).get("content").asString()).isEqualTo("Hello from upstream");
        assertThat(stored.get(1).get("metadata").get("role").asString()).isEqualTo("assistant");

        // The thread may also be named in the body's metadata, and the answer may be streamed.
        try (StreamResponse<ChatCompletionChunk> stream = openAi(key).chat().completions().createStreaming(
                chat("And a hotel near the harbour.").putAdditionalBodyProperty("metadata",
                        JsonValue.from(Map.of("thread_id", "trip-42"))).build())) {
            String text = stream.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
                    .collect(Collectors.joining());
            assertThat(text).isEqualTo("Hello from upstream");
        }
        stored = items(key, "trip-42");
        assertThat(stored).hasSize(4);
        assertThat(stored.get(2).get("content").asString()).isEqualTo("And a hotel near the harbour.");
        assertThat(stored.get(3).get("content").asString()).isEqualTo("Hello from upstream");

        // A failed request stores nothing.
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 500, "{\"error\":{\"message\":\"down\"}}"));
        assertThat(post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hello?"}],"metadata":{"thread_id":"trip-42"}}""")
                .statusCode()).isEqualTo(502);
        assertThat(items(key, "trip-42")).hasSize(4);
    }

    @Test
    void recallInjectsRecentTurnsAndRelevantMemoryAndTheAuditEntryNamesThem() throws Exception {
        String key = createKey("mem-gw-recall");
        String fact = json(post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"The traveller is severely allergic to peanuts."},
                          {"kind":"fact","content":"The company's fiscal year ends in June."}]}""")).get("items").get(0).get("id").asString();
        openAi(key).chat().completions().create(chat("I land in Oslo at 6 pm.").putAdditionalHeader("Cairn-Thread", "trip-7").build());
        awaitEmbedded(key, fact);

        HttpResponseFor<ChatCompletion> raw = openAi(key).chat().completions().withRawResponse().create(
                chat("Which snacks should the airline avoid serving me?").putAdditionalHeader("Cairn-Thread", "trip-7")
                        .putAdditionalHeader("Cairn-Memory", "recall").build());
        String requestId = raw.headers().values("Cairn-Request-Id").getFirst();
        List<String> injectedHeader = List.of(raw.headers().values("Cairn-Memory-Items").getFirst().split(","));
        assertThat(raw.parse().choices()).isNotEmpty();

        JsonNode messages = UPSTREAM.last().json().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("content").asString()).isEqualTo("You are a travel agent.");
        String memory = messages.get(1).get("content").asString();
        assertThat(messages.get(1).get("role").asString()).isEqualTo("system");
        assertThat(memory).contains("[user] I land in Oslo at 6 pm.").contains("[assistant] Hello from upstream")
                .contains("allergic to peanuts");
        assertThat(messages.get(2).get("content").asString()).isEqualTo("Which snacks should the airline avoid serving me?");
        assertThat(injectedHeader).contains(fact);

        String auditor = createKeyWithRole("mem-gw-recall", "auditor");
        JsonNode entry = json(get("/v1/audit/requests/" + requestId, auditor)).get("entry");
        JsonNode recorded = entry.path("data").path("memory");
        assertThat(recorded.path("thread_id").asString()).isEqualTo("trip-7");
        List<String> injected = new java.util.ArrayList<>();
        recorded.path("injected").forEach(id -> injected.add(id.asString()));
        assertThat(injected).containsExactlyElementsOf(injectedHeader);
        assertThat(recorded.path("injected_tokens").asInt()).isPositive();
        // The digest proves what the prompt held even if the items change later.
        assertThat(recorded.path("injected_sha256").asString()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(memory.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void recallNeverPushesTheRequestPastTheContextWindowAndCanBeTheWorkspaceDefault() {
        String key = createKey("mem-gw-window");
        post("/v1/memory/items", key, """
                {"items":[{"kind":"fact","content":"Anna's birthday is on 3 May."}]}""");
        send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/v1/memory/workspaces/mem-gw-window")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"recall_default\":true}")).build());

        // The default context window is 8192 tokens: a prompt and answer that fill it leave no room.
        String longPrompt = "birthday ".repeat(3000);
        openAi(key).chat().completions().create(chat(longPrompt).maxCompletionTokens(6000)
                .putAdditionalHeader("Cairn-Thread", "gifts").build());
        assertThat(UPSTREAM.last().json().get("messages")).hasSize(2);

        // Recall is the workspace's default now: no header needed.
        openAi(key).chat().completions().create(chat("When is Anna's birthday?").putAdditionalHeader("Cairn-Thread", "gifts").build());
        JsonNode messages = UPSTREAM.last().json().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).get("content").asString()).contains("Anna's birthday is on 3 May.");

        // ...and a request can still turn it off.
        openAi(key).chat().completions().create(chat("When is Anna's birthday?").putAdditionalHeader("Cairn-Thread", "gifts")
                .putAdditionalHeader("Cairn-Memory", "off").build());
        assertThat(UPSTREAM.last().json().get("messages")).hasSize(2);
    }

    @Test
    void badThreadNamesAndMemoryHeadersAreClearErrors() {
        String key = createKey("mem-gw-bad");
        var badThread = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Cairn-Thread", "a b")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}]}""")).build());
        assertThat(badThread.statusCode()).isEqualTo(400);
        assertThat(json(badThread).get("error").get("code").asString()).isEqualTo("invalid_thread_id");
        var badHeader = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Cairn-Memory", "maybe")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                        {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}]}""")).build());
        assertThat(badHeader.statusCode()).isEqualTo(400);
        assertThat(json(badHeader).get("error").get("param").asString()).isEqualTo("Cairn-Memory");
        var badMetadata = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}],"metadata":{"thread_id":7}}""");
        assertThat(badMetadata.statusCode()).isEqualTo(400);
        assertThat(json(badMetadata).get("error").get("param").asString()).isEqualTo("metadata.thread_id");
    }

    private void awaitEmbedded(String key, String itemId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!json(get("/v1/memory/items/" + itemId, key)).get("embedding_model").isNull()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("item " + itemId + " was not embedded within 60 s");
    }
}
