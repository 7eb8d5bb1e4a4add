package dev.cairn.gateway.anthropic;

import static dev.cairn.gateway.anthropic.AnthropicFake.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.ProviderResult;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.gateway.Usage;
import dev.cairn.platform.TraceContext;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Non-streaming answers and failures of an Anthropic upstream, as OpenAI clients receive them. */
class AnthropicProviderTest {

    private static final String QUESTION = """
            {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Weather in Paris?"}]}""";

    private FakeUpstream upstream;
    private AnthropicProvider provider;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        provider = AnthropicFake.provider(upstream);
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
        upstream.close();
    }

    private void answer(int status, String json) {
        upstream.handler((exchange, request) -> FakeUpstream.json(exchange, status, json));
    }

    @Test
    void textAndToolUseBecomeContentAndToolCallsWithCachedTokensInThePromptCount() {
        answer(200, """
                {"id":"msg_01XYZ","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
                 "content":[
                   {"type":"text","text":"Let me check "},
                   {"type":"text","text":"the weather."},
                   {"type":"tool_use","id":"toolu_01","name":"weather","input":{"city":"Paris","unit":"c"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":20,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":30}}""");

        ProviderResult result = provider.chat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null)));

        JsonNode body = FakeUpstream.JSON.readTree(result.body());
        assertThat(body.get("id").stringValue()).isEqualTo("msg_01XYZ");
        assertThat(body.get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(body.get("model").stringValue()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(body.get("created").longValue()).isCloseTo(System.currentTimeMillis() / 1000,
                offset(5L));
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("tool_calls");
        JsonNode message = choice.get("message");
        assertThat(message.get("role").stringValue()).isEqualTo("assistant");
        assertThat(message.get("content").stringValue()).isEqualTo("Let me check the weather.");
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(call.get("id").stringValue()).isEqualTo("toolu_01");
        assertThat(call.get("type").stringValue()).isEqualTo("function");
        assertThat(call.get("function").get("name").stringValue()).isEqualTo("weather");
        assertThat(FakeUpstream.JSON.readTree(call.get("function").get("arguments").stringValue()))
                .isEqualTo(FakeUpstream.JSON.readTree("{\"city\":\"Paris\",\"unit\":\"c\"}"));
        assertThat(body.get("usage")).isEqualTo(FakeUpstream.JSON.readTree("""
                {"prompt_tokens":125,"completion_tokens":30,"total_tokens":155}"""));
        assertThat(result.usage()).isEqualTo(new Usage(125, 30));
    }

    @Test
    void anAnswerWithOnlyToolUseHasNullContent() {
        answer(200, """
                {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4",
                 "content":[{"type":"tool_use","id":"toolu_02","name":"now","input":{}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}""");

        JsonNode message = FakeUpstream.JSON.readTree(provider.chat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null))).body())
                .get("choices").get(0).get("message");

        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls").get(0).get("function").get("arguments").stringValue()).isEqualTo("{}");
    }

    @Test
    void stopReasonsMapToOpenAiFinishReasons() {
        assertThat(finishReasonFor("end_turn")).isEqualTo("stop");
        assertThat(finishReasonFor("stop_sequence")).isEqualTo("stop");
        assertThat(finishReasonFor("max_tokens")).isEqualTo("length");
        assertThat(finishReasonFor("refusal")).isEqualTo("content_filter");
    }

    private String finishReasonFor(String stopReason) {
        answer(200, """
                {"id":"msg_03","type":"message","role":"assistant","model":"claude-sonnet-4",
                 "content":[{"type":"text","text":"Hi"}],"stop_reason":"%s",
                 "usage":{"input_tokens":1,"output_tokens":1}}""".formatted(stopReason));
        return FakeUpstream.JSON.readTree(provider.chat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null))).body())
                .get("choices").get(0).get("finish_reason").stringValue();
    }

    @Test
    void anUpstreamRefusalKeepsItsStatusAndMessage() {
        answer(400, """
                {"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content: field required"}}""");

        assertThatThrownBy(() -> provider.chat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null))))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().type()).isEqualTo("invalid_request_error");
                    assertThat(e.error().message()).isEqualTo("messages.0.content: field required");
                });
    }

    @Test
    void anOverloadedUpstreamBecomesABadGateway() {
        answer(529, """
                {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");

        assertThatThrownBy(() -> provider.chat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null))))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(502);
                    assertThat(e.error().message()).contains("Overloaded");
                });
    }

    @Test
    void embeddingsAreRefusedWithoutCallingTheUpstream() {
        assertThatThrownBy(() -> provider.embeddings(chat("""
                {"model":"claude-sonnet-4","input":"hello"}"""), UpstreamCall.untimed(TraceContext.from(null))))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo("unsupported_operation");
                    assertThat(e.error().message()).contains("'claude'").contains("embeddings");
                });
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void advertisesTheConfiguredModelsUnderItsName() {
        assertThat(provider.name()).isEqualTo("claude");
        assertThat(provider.advertisedModels()).containsExactly("claude-sonnet-4");
    }
}
