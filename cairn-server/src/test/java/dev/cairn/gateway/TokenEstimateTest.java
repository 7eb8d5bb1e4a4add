package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TokenCounter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What a request is charged before its answer exists: prompt, tools and the longest answer it allows. */
class TokenEstimateTest {

    private final TokenCounter counter = new TokenCounter();
    private final TokenEstimate estimate = new TokenEstimate(counter);

    private long of(String json) {
        ObjectNode body = (ObjectNode) JsonBodies.JSON.readTree(json);
        if (body.has("messages")) {
            ChatRequest chat = ChatRequest.of(body);
            return estimate.admitted(chat, estimate.prompt(chat));
        }
        return estimate.input(EmbeddingsRequest.of(body));
    }

    @Test
    void chatCountsEveryTextWithOpenAisFramingPlusTheMaximumAnswerTimesN() {
        // 3 for the reply; per message 3 plus its texts.
        assertThat(of("""
                {"model":"m","messages":[{"role":"user","content":"hello there"}]}""")).isEqualTo(3 + 3 + 2);
        long parts = of("""
                {"model":"m","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"user","name":"ann","content":[{"type":"text","text":"hello there"},{"type":"image_url","image_url":{"url":"x"}}]},
                  {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"cats\\"}"}}]}
                ],"max_completion_tokens":100,"max_tokens":999,"n":3}""");
        long texts = counter.count("Be brief.") + counter.count("ann") + counter.count("hello there")
                + counter.count("lookup") + counter.count("{\"q\":\"cats\"}");
        assertThat(parts).isEqualTo(3 + 3 * 3 + texts + 100 * 3);
        String tools = """
                [{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]""";
        assertThat(of("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":50,"tools":%s}""".formatted(tools)))
                .isEqualTo(3 + 3 + counter.count("hi") + counter.count(JsonBodies.JSON.readTree(tools).toString()) + 50);
    }

    @Test
    void embeddingsCountTheirInputs() {
        assertThat(of("{\"model\":\"e\",\"input\":\"hello there\"}")).isEqualTo(2);
        assertThat(of("{\"model\":\"e\",\"input\":[\"hello\",\"hello there\"]}")).isEqualTo(3);
        assertThat(of("{\"model\":\"e\",\"input\":[1,2,3]}")).as("token ids").isEqualTo(3);
        assertThat(of("{\"model\":\"e\",\"input\":[[1,2],[3,4,5]]}")).isEqualTo(5);
    }
}
