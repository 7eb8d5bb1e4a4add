package dev.cairn.gateway.completions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** A chat stream's chunks rewritten, one by one, as text completion events. */
class CompletionChunksTest {

    private static ObjectNode tree(String json) {
        return (ObjectNode) JsonBodies.JSON.readTree(json);
    }

    private static CompletionChunks chunks(boolean echo) {
        return new CompletionChunks(CompletionRequest.of(tree("{\"model\":\"m\",\"prompt\":\"Say\",\"echo\":" + echo + "}")), 42);
    }

    private static ObjectNode delta(int index, String delta, String finish) {
        return tree("""
                {"id":"chatcmpl-s","object":"chat.completion.chunk","created":7,"model":"gpt-fake",
                 "choices":[{"index":%d,"delta":%s,"logprobs":null,"finish_reason":%s}]}""".formatted(index, delta, finish));
    }

    @Test
    void eachDeltaBecomesATextEvent() {
        CompletionChunks chunks = chunks(false);
        assertThat(chunks.next(delta(0, "{\"role\":\"assistant\",\"content\":\"\"}", "null")))
                .as("the role-only opening says nothing here").isNull();
        assertThat(chunks.next(delta(0, "{\"content\":\" hello\"}", "null"))).isEqualTo(tree("""
                {"id":"cmpl-s","object":"text_completion","created":7,"model":"gpt-fake",
                 "choices":[{"text":" hello","index":0,"logprobs":null,"finish_reason":null}]}"""));
        assertThat(chunks.next(delta(0, "{}", "\"stop\"")).get("choices")).isEqualTo(tree("""
                {"c":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}""").get("c"));
        assertThat(chunks.next(delta(0, "{\"tool_calls\":[{\"index\":0}]}", "null"))).as("nothing a text completion has").isNull();
    }

    @Test
    void theUsageChunkStaysAUsageChunk() {
        ObjectNode usage = chunks(false).next(tree("""
                {"id":"chatcmpl-s","object":"chat.completion.chunk","created":7,"model":"gpt-fake","choices":[],
                 "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"""));
        assertThat(usage.get("object").stringValue()).isEqualTo("text_completion");
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.get("usage").get("total_tokens").intValue()).isEqualTo(5);
    }

    @Test
    void echoOpensEachChoiceOnce() {
        CompletionChunks chunks = chunks(true);
        assertThat(chunks.next(delta(0, "{\"role\":\"assistant\",\"content\":\"\"}", "null")).get("choices").get(0).get("text").stringValue())
                .isEqualTo("Say");
        assertThat(chunks.next(delta(1, "{\"content\":\" hi\"}", "null")).get("choices").get(0).get("text").stringValue())
                .isEqualTo("Say hi");
        assertThat(chunks.next(delta(0, "{\"content\":\" hi\"}", "null")).get("choices").get(0).get("text").stringValue())
                .isEqualTo(" hi");
    }

    @Test
    void anErrorEventGoesOnAsItIs() {
        ObjectNode error = tree("{\"error\":{\"message\":\"cut\",\"type\":\"server_error\",\"code\":\"upstream_failed\",\"param\":null}}");
        assertThat(chunks(false).next(error)).isSameAs(error);
    }

    @Test
    void everyEventHasTheStreamsFirstIdAndACreatedTime() {
        CompletionChunks chunks = chunks(false);
        chunks.next(delta(0, "{\"content\":\"a\"}", "null"));
        ObjectNode other = chunks.next(tree("{\"id\":\"chatcmpl-other\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}"));
        assertThat(other.get("id").stringValue()).isEqualTo("cmpl-s");
        assertThat(other.get("created").longValue()).as("the stream's own, when the chunk has none").isEqualTo(42);
    }
}
