package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import dev.cairn.support.Faults;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Streams through failing deployments: before its first byte a failed stream is replaced without
 * the client knowing; after it, the stream ends with an error event naming what failed.
 */
class RoutingStreamTest extends RoutingServerTest {

    private static String streamed(OpenAIClient client, String model) {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(chat(model))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        return text.toString();
    }

    @Test
    void aStreamThatFailsBeforeItsFirstByteIsReplacedTransparently() {
        OpenAIClient client = openAi(createKey("streamy-ws"));
        A.handler(Faults.times(1, Faults.unavailable()));
        assertThat(streamed(client, "streamy")).isEqualTo("Hello from upstream");
        assertThat(B.received()).hasSize(1);

        // a's first event is later than its first-token-timeout (300 ms): b's stream replaces it.
        A.handler(Faults.always(Faults.slowFirstByte(Duration.ofSeconds(2), Faults.ok())));
        long start = System.nanoTime();
        assertThat(streamed(client, "streamy")).isEqualTo("Hello from upstream");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(B.received()).hasSize(2);

        HttpResponse<String> raw = post("/v1/chat/completions", createKey("streamy-ws"), """
                {"model":"streamy","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(header(raw, "Cairn-Route")).isEqualTo("b/streamy");
        assertThat(header(raw, "Cairn-Attempts")).isEqualTo("2");
        assertThat(summary(attempts("streamy-ws", header(raw, "Cairn-Request-Id"))))
                .containsExactly("a/streamy:timeout:retry", "b/streamy:ok:answer");
    }

    @Test
    void aStreamThatFailsAfterARoleOnlyOpeningIsStillReplaced() {
        // The opening chunk gives the client none of the answer, so it is held back until one does.
        String workspace = "opening-ws";
        A.handler(Faults.times(1, Faults.cutAfterRole()));
        HttpResponse<String> response = post("/v1/chat/completions", createKey(workspace), """
                {"model":"streamy","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("chatcmpl-role").doesNotContain("\"error\"")
                .contains("Hello").endsWith("data: [DONE]\n\n");
        assertThat(header(response, "Cairn-Route")).isEqualTo("b/streamy");
        assertThat(summary(attempts(workspace, header(response, "Cairn-Request-Id"))))
                .containsExactly("a/streamy:malformed:retry", "b/streamy:ok:answer");
    }

    @Test
    void aStreamCutAfterItsFirstByteEndsWithAnErrorEventAndIsNotMovedElsewhere() {
        String workspace = "cut-ws";
        A.handler(Faults.always(Faults.cutStream(2)));
        HttpResponse<String> response = post("/v1/chat/completions", createKey(workspace), """
                {"model":"cut","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = response.body().lines().filter(l -> l.startsWith("data:")).toList();
        assertThat(events.get(0)).contains("part0");
        assertThat(events.get(1)).contains("part1");
        // The last event before [DONE] is the error: a client never takes the cut answer as whole.
        assertThat(events).hasSize(4);
        JsonNode error = json(events.get(2).substring(5).strip()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("upstream_failed");
        assertThat(error.path("message").asString()).contains("'a'").contains("stream ended before [DONE]");
        assertThat(events.get(3)).isEqualTo("data: [DONE]");
        assertThat(B.received()).isEmpty();

        List<JsonNode> attempts = attempts(workspace, header(response, "Cairn-Request-Id"));
        assertThat(summary(attempts)).containsExactly("a/cut:malformed:fail");
        assertThat(attempts.getFirst().path("why").asString()).isEqualTo("stream_started");
    }

    private static JsonNode json(String text) {
        return dev.cairn.support.FakeUpstream.JSON.readTree(text);
    }
}
