package dev.cairn.gateway.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Echo says the same for the same request, but each answer is a new answer with its own id. */
class EchoProviderTest {

    private final EchoProvider echo = new EchoProvider();

    private static ObjectNode request(boolean stream) {
        return (ObjectNode) JsonBodies.JSON.readTree("""
                {"model":"cairn/echo","stream":%s,"n":2,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Hello there, Cairn"}]}""".formatted(stream));
    }

    @Test
    void eachAnswerHasItsOwnIdAndTheSameContent() {
        JsonNode first = echo.chat(request(false), null).tree();
        JsonNode second = echo.chat(request(false), null).tree();

        assertThat(first.get("id").stringValue()).startsWith("chatcmpl-")
                .isNotEqualTo(second.get("id").stringValue());
        assertThat(first.get("choices")).isEqualTo(second.get("choices"));
        assertThat(first.get("choices").get(0).get("message").get("content").stringValue()).isEqualTo("Hello there, Cairn");
        assertThat(first.get("usage")).isEqualTo(second.get("usage"));
    }

    @Test
    void theChunksOfOneStreamedAnswerShareOneIdThatTheNextAnswerDoesNotHave() {
        List<JsonNode> first = stream();
        List<JsonNode> second = stream();

        String id = first.getFirst().get("id").stringValue();
        assertThat(id).startsWith("chatcmpl-");
        assertThat(first).hasSizeGreaterThan(3).allSatisfy(chunk -> assertThat(chunk.get("id").stringValue()).isEqualTo(id));
        assertThat(second).allSatisfy(chunk -> assertThat(chunk.get("id").stringValue())
                .isEqualTo(second.getFirst().get("id").stringValue()).isNotEqualTo(id));
        assertThat(first.stream().map(c -> c.get("choices").toString()).toList())
                .isEqualTo(second.stream().map(c -> c.get("choices").toString()).toList());
    }

    private List<JsonNode> stream() {
        List<JsonNode> chunks = new ArrayList<>();
        echo.streamChat(request(true), null, chunk -> chunks.add(JsonBodies.JSON.readTree(chunk.toString())));
        return chunks;
    }

    @Test
    void repeatsNoMoreThanItsCapPerChoiceWhateverTheRequestAsks() {
        String prompt = "word ".repeat(EchoProvider.MAX_ANSWER_WORDS + 500);
        ObjectNode unbounded = (ObjectNode) JsonBodies.JSON.readTree("""
                {"model":"cairn/echo","n":2,"messages":[{"role":"user","content":"%s"}]}""".formatted(prompt));
        JsonNode answer = echo.chat(unbounded, null).tree();
        for (JsonNode choice : answer.get("choices")) {
            assertThat(choice.get("message").get("content").stringValue().split(" ")).hasSize(EchoProvider.MAX_ANSWER_WORDS);
            assertThat(choice.get("finish_reason").stringValue()).isEqualTo("length");
        }
        assertThat(answer.get("usage").get("completion_tokens").longValue()).isEqualTo(2L * EchoProvider.MAX_ANSWER_WORDS);
        assertThat(answer.get("usage").get("prompt_tokens").longValue()).isEqualTo(EchoProvider.MAX_ANSWER_WORDS + 500 + 3);

        ObjectNode beyondTheCap = unbounded.deepCopy().put("max_tokens", EchoProvider.MAX_ANSWER_WORDS * 10);
        List<JsonNode> chunks = new ArrayList<>();
        echo.streamChat(beyondTheCap.put("stream", true), null, chunk -> chunks.add(JsonBodies.JSON.readTree(chunk.toString())));
        long words = chunks.stream().filter(c -> c.path("choices").path(0).path("delta").path("content").asString("").strip().length() > 0)
                .count();
        assertThat(words).as("one chunk per word per choice").isEqualTo(2L * EchoProvider.MAX_ANSWER_WORDS);

        ObjectNode many = unbounded.deepCopy().put("n", 128);
        JsonNode manyAnswers = echo.chat(many, null).tree();
        assertThat(manyAnswers.get("choices")).hasSize(128);
        assertThat(manyAnswers.get("usage").get("completion_tokens").longValue()).as("all choices together")
                .isEqualTo(EchoProvider.MAX_TOTAL_WORDS);

        ObjectNode shorter = unbounded.deepCopy().put("max_tokens", 7);
        assertThat(echo.chat(shorter, null).tree().get("choices").get(0).get("message").get("content").stringValue().split(" "))
                .hasSize(7);
    }
}
