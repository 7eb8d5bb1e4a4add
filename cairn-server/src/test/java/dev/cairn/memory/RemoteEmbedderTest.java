package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The remote embedding option against a real local HTTP fake of an OpenAI-compatible /embeddings. */
class RemoteEmbedderTest {

    static final FakeUpstream UPSTREAM = FakeUpstream.start();

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @Test
    void embedsInInputOrderAsUnitVectorsWithTheModelAndKey() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"object":"list","model":"text-embedding-3-small","data":[
                  {"object":"embedding","index":1,"embedding":[0.0,3.0,4.0]},
                  {"object":"embedding","index":0,"embedding":[2.0,0.0,0.0]}]}"""));
        RemoteEmbedder embedder = new RemoteEmbedder(UPSTREAM.baseUrl() + "/", "sk-embed", "text-embedding-3-small");

        List<float[]> vectors = embedder.embed(List.of("first", "second"));

        assertThat(embedder.model()).isEqualTo("text-embedding-3-small");
        assertThat(vectors.get(0)).containsExactly(1f, 0f, 0f);
        assertThat(vectors.get(1)).containsExactly(0f, 0.6f, 0.8f);
        FakeUpstream.Received received = UPSTREAM.last();
        assertThat(received.path()).isEqualTo("/v1/embeddings");
        assertThat(received.headers().getFirst("Authorization")).isEqualTo("Bearer sk-embed");
        JsonNode body = received.json();
        assertThat(body.get("model").asString()).isEqualTo("text-embedding-3-small");
        assertThat(body.get("input").get(1).asString()).isEqualTo("second");
    }

    @Test
    void failuresAndMissingInputsAreErrorsNotWrongVectors() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[1.0]}]}"""));
        RemoteEmbedder embedder = new RemoteEmbedder(UPSTREAM.baseUrl(), null, "m");
        assertThatThrownBy(() -> embedder.embed(List.of("a", "b"))).hasMessageContaining("left out an input");

        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 503, "{\"error\":{\"message\":\"busy\"}}"));
        assertThatThrownBy(() -> embedder.embed(List.of("a"))).hasMessageContaining("answered 503");
        assertThatThrownBy(() -> new RemoteEmbedder(" ", null, "m")).hasMessageContaining("needs base-url and model");
    }
}
