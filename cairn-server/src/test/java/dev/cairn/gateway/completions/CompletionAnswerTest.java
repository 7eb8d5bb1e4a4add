package dev.cairn.gateway.completions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A whole chat completion rewritten as a text completion. */
class CompletionAnswerTest {

    private static final String CHAT = """
            {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"gpt-fake","system_fingerprint":"fp_1",
             "choices":[{"index":0,"message":{"role":"assistant","content":" there"},"logprobs":null,"finish_reason":"length"},
                        {"index":1,"message":{"role":"assistant","content":null,"refusal":"I can't"},"finish_reason":"stop"},
                        {"index":2,"message":{"role":"assistant","content":null,"tool_calls":[]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    private static CompletionRequest request(boolean echo) {
        return CompletionRequest.of((ObjectNode) JsonBodies.JSON.readTree(
                "{\"model\":\"m\",\"prompt\":\"Hello\",\"echo\":" + echo + "}"));
    }

    private static ObjectNode chat() {
        return (ObjectNode) JsonBodies.JSON.readTree(CHAT);
    }

    @Test
    void aChatCompletionBecomesATextCompletion() {
        ObjectNode answer = CompletionAnswer.of(chat(), request(false));

        assertThat(answer.propertyNames()).containsExactly("id", "object", "created", "model", "system_fingerprint", "choices", "usage");
        assertThat(answer.get("id").stringValue()).isEqualTo("cmpl-abc");
        assertThat(answer.get("object").stringValue()).isEqualTo("text_completion");
        assertThat(answer.get("created").longValue()).isEqualTo(1700000000L);
        assertThat(answer.get("model").stringValue()).isEqualTo("gpt-fake");
        assertThat(answer.get("choices")).isEqualTo(JsonBodies.JSON.readTree("""
                [{"text":" there","index":0,"logprobs":null,"finish_reason":"length"},
                 {"text":"I can't","index":1,"logprobs":null,"finish_reason":"stop"},
                 {"text":"","index":2,"logprobs":null,"finish_reason":"stop"}]"""));
        assertThat(answer.get("usage")).isEqualTo(chat().get("usage"));
    }

    @Test
    void echoPutsThePromptBeforeEachChoice() {
        JsonNode choices = CompletionAnswer.of(chat(), request(true)).get("choices");
        assertThat(choices.get(0).get("text").stringValue()).isEqualTo("Hello there");
        assertThat(choices.get(1).get("text").stringValue()).isEqualTo("HelloI can't");
        assertThat(choices.get(2).get("text").stringValue()).isEqualTo("Hello");
    }

    @Test
    void anIdWithoutChatsPrefixIsPrefixedAndAMissingOneMade() {
        assertThat(CompletionAnswer.id("chatcmpl-xyz")).isEqualTo("cmpl-xyz");
        assertThat(CompletionAnswer.id("msg_01")).isEqualTo("cmpl-msg_01");
        assertThat(CompletionAnswer.id(null)).startsWith("cmpl-").hasSizeGreaterThan(10);
    }
}
