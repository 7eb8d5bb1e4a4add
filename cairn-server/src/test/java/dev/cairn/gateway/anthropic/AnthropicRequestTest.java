package dev.cairn.gateway.anthropic;

import static dev.cairn.gateway.anthropic.AnthropicFake.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.cairn.gateway.UpstreamCall;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.TraceContext;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** What reaches the Messages API for a given OpenAI request, as the fake upstream received it. */
class AnthropicRequestTest {

    private FakeUpstream upstream;
    private AnthropicProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        upstream.handler((exchange, request) -> FakeUpstream.json(exchange, 200, AnthropicFake.TEXT_ANSWER));
        provider = AnthropicFake.provider(upstream);
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
        upstream.close();
    }

    private JsonNode sent(String openAiRequest) {
        provider.chat(chat(openAiRequest), UpstreamCall.untimed(TraceContext.from(null)));
        return upstream.last().json();
    }

    @Test
    void postsToMessagesWithAnthropicHeadersAndDefaultMaxTokens() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Hi"}]}""");

        FakeUpstream.Received received = upstream.last();
        Map<String, String> headers = FakeUpstream.flat(received.headers());
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(headers).containsEntry("x-api-key", "sk-ant-test").containsEntry("anthropic-version", "2023-06-01");
        assertThat(headers).doesNotContainKey("Authorization");
        assertThat(sent).isEqualTo(FakeUpstream.JSON.readTree("""
                {"model":"claude-sonnet-4","max_tokens":1024,
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}"""));
    }

    @Test
    void systemAndDeveloperMessagesBecomeOneTopLevelSystemString() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
                  {"role":"user","content":"How far is it?"}]}""");

        assertThat(sent.get("system").stringValue()).isEqualTo("Be brief.\n\nUse metric units.");
        assertThat(sent.get("messages")).hasSize(1);
        assertThat(sent.get("messages").get(0).get("role").stringValue()).isEqualTo("user");
    }

    @Test
    void toolCallsAndToolResultsBecomeToolUseAndMergedToolResultBlocks() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[
                  {"role":"user","content":"Weather in Paris and Oslo?"},
                  {"role":"assistant","content":"Checking.","tool_calls":[
                    {"id":"toolu_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"toolu_2","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
                  {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"4C"}]},
                  {"role":"user","content":"Which is warmer?"}]}""");

        assertThat(sent.get("messages")).isEqualTo(FakeUpstream.JSON.readTree("""
                [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Oslo?"}]},
                 {"role":"assistant","content":[
                   {"type":"text","text":"Checking."},
                   {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}},
                   {"type":"tool_use","id":"toolu_2","name":"weather","input":{"city":"Oslo"}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
                   {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"4C"}]},
                   {"type":"text","text":"Which is warmer?"}]}]"""));
    }

    @Test
    void consecutiveSameRoleMessagesMergeSoRolesAlternate() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[
                  {"role":"user","content":"One."},
                  {"role":"user","content":[{"type":"text","text":"Two."}]},
                  {"role":"assistant","content":"Three."},
                  {"role":"assistant","content":"Four."}]}""");

        assertThat(sent.get("messages")).isEqualTo(FakeUpstream.JSON.readTree("""
                [{"role":"user","content":[{"type":"text","text":"One."},{"type":"text","text":"Two."}]},
                 {"role":"assistant","content":[{"type":"text","text":"Three."},{"type":"text","text":"Four."}]}]"""));
    }

    @Test
    void toolsBecomeInputSchemasAndANamedToolChoiceWithoutParallelCalls() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Weather?"}],
                 "tools":[
                   {"type":"function","function":{"name":"weather","description":"Current weather",
                     "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
                   {"type":"function","function":{"name":"now"}}],
                 "tool_choice":{"type":"function","function":{"name":"weather"}},
                 "parallel_tool_calls":false}""");

        assertThat(sent.get("tools")).isEqualTo(FakeUpstream.JSON.readTree("""
                [{"name":"weather","description":"Current weather",
                  "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
                 {"name":"now","input_schema":{"type":"object","properties":{}}}]"""));
        assertThat(sent.get("tool_choice")).isEqualTo(FakeUpstream.JSON.readTree("""
                {"type":"tool","name":"weather","disable_parallel_tool_use":true}"""));
    }

    @ParameterizedTest
    @CsvSource({"auto,auto", "none,none", "required,any"})
    void stringToolChoicesMapToAnthropicTypes(String openAi, String anthropic) {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"type":"function","function":{"name":"now"}}],"tool_choice":"%s"}""".formatted(openAi));

        assertThat(sent.get("tool_choice")).isEqualTo(FakeUpstream.JSON.createObjectNode().put("type", anthropic));
    }

    @Test
    void samplingFieldsMapAndFieldsWithoutAnEquivalentAreDropped() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Hi"}],
                 "max_completion_tokens":300,"temperature":0.2,"top_p":0.9,"stop":"END","user":"user-42",
                 "seed":7,"logprobs":true,"frequency_penalty":0.5,"response_format":{"type":"json_object"}}""");

        assertThat(sent.get("max_tokens").intValue()).isEqualTo(300);
        assertThat(sent.get("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(sent.get("top_p").doubleValue()).isEqualTo(0.9);
        assertThat(sent.get("stop_sequences")).isEqualTo(FakeUpstream.JSON.readTree("[\"END\"]"));
        assertThat(sent.get("metadata").get("user_id").stringValue()).isEqualTo("user-42");
        assertThat(sent.propertyNames()).doesNotContain("seed", "logprobs", "frequency_penalty", "response_format",
                "max_completion_tokens", "stop", "user", "stream");
    }

    @Test
    void maxTokensAndAStopArrayAreKept() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Hi"}],
                 "max_tokens":50,"stop":["a","b"]}""");

        assertThat(sent.get("max_tokens").intValue()).isEqualTo(50);
        assertThat(sent.get("stop_sequences")).isEqualTo(FakeUpstream.JSON.readTree("[\"a\",\"b\"]"));
    }

    @Test
    void imagePartsBecomeBase64OrUrlImageBlocks() {
        JsonNode sent = sent("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"high"}}]}]}""");

        assertThat(sent.get("messages").get(0).get("content")).isEqualTo(FakeUpstream.JSON.readTree("""
                [{"type":"text","text":"Compare"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]"""));
    }

    @Test
    void toolCallArgumentsThatAreNotJsonAreRefusedWithoutCallingTheUpstream() {
        assertThatThrownBy(() -> provider.chat(chat("""
                {"model":"claude-sonnet-4","messages":[
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","tool_calls":[{"id":"toolu_1","type":"function",
                    "function":{"name":"weather","arguments":"{city: Paris"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"18C"}]}"""), UpstreamCall.untimed(TraceContext.from(null))))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
                });
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void moreThanOneChoiceIsRefusedWithoutCallingTheUpstream() {
        assertThatThrownBy(() -> provider.chat(chat("""
                {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Hi"}],"n":2}"""),
                UpstreamCall.untimed(TraceContext.from(null))))
                .isInstanceOfSatisfying(CairnException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().param()).isEqualTo("n");
                });
        assertThat(upstream.received()).isEmpty();
    }
}
