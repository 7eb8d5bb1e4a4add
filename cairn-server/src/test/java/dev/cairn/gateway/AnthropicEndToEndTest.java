package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The OpenAI SDK talking to an Anthropic provider through Cairn, against a fake Messages API. */
class AnthropicEndToEndTest extends CairnServerTest {

    @Test
    void chatWithSystemPromptIsTranslatedBothWays() {
        ANTHROPIC.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4",
                 "content":[{"type":"text","text":"Bonjour"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":21,"output_tokens":2}}"""));
        OpenAIClient client = openAi(createKey("anthropic-ws"));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude/claude-sonnet-4").addSystemMessage("Answer in French.").addUserMessage("Hello").build());

        assertThat(completion.choices().getFirst().message().content()).contains("Bonjour");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(21);

        FakeUpstream.Received received = ANTHROPIC.last();
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(FakeUpstream.flat(received.headers())).containsEntry("x-api-key", "sk-ant-secret")
                .containsEntry("anthropic-version", "2023-06-01");
        JsonNode sent = received.json();
        assertThat(sent.get("model").stringValue()).isEqualTo("claude-sonnet-4");
        assertThat(sent.get("system").stringValue()).isEqualTo("Answer in French.");
        assertThat(sent.get("messages").get(0).get("role").stringValue()).isEqualTo("user");
        assertThat(sent.get("max_tokens").intValue()).isPositive();
    }

    @Test
    void toolCallsComeBackAsOpenAiToolCalls() {
        ANTHROPIC.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4",
                 "content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":30,"output_tokens":12}}"""));
        ChatCompletion completion = openAi(createKey("anthropic-tools-ws")).chat().completions().create(
                ChatCompletionCreateParams.builder().model("claude/claude-sonnet-4").addUserMessage("Weather in Paris?")
                        .putAdditionalBodyProperty("tools", JsonValue.from(List.of(Map.of("type", "function",
                                "function", Map.of("name", "get_weather", "description", "Current weather",
                                        "parameters", Map.of("type", "object",
                                                "properties", Map.of("city", Map.of("type", "string"))))))))
                        .build());

        ChatCompletionMessageToolCall call = completion.choices().getFirst().message().toolCalls().orElseThrow().getFirst();
        assertThat(call.asFunction().id()).isEqualTo("toolu_1");
        assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
        assertThat(call.asFunction().function().arguments()).contains("Paris");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(ANTHROPIC.last().json().get("tools").get(0).get("input_schema").get("type").stringValue()).isEqualTo("object");
    }

    @Test
    void streamingIsTranslatedChunkByChunk() {
        ANTHROPIC.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            FakeUpstream.event(out, "message_start", """
                    {"type":"message_start","message":{"id":"msg_3","type":"message","role":"assistant","model":"claude-sonnet-4","content":[],"usage":{"input_tokens":8,"output_tokens":1}}}""");
            FakeUpstream.event(out, "content_block_start", """
                    {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
            FakeUpstream.event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}""");
            FakeUpstream.event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo!"}}""");
            FakeUpstream.event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            FakeUpstream.event(out, "message_delta", """
                    {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}""");
            FakeUpstream.event(out, "message_stop", "{\"type\":\"message_stop\"}");
        });
        try (StreamResponse<ChatCompletionChunk> stream = openAi(createKey("anthropic-stream-ws")).chat().completions()
                .createStreaming(ChatCompletionCreateParams.builder().model("claude/claude-sonnet-4").addUserMessage("Hi").build())) {
            assertThat(stream.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
                    .collect(Collectors.joining())).isEqualTo("Hello!");
        }
        assertThat(ANTHROPIC.last().json().get("stream").booleanValue()).isTrue();

        JsonNode usage = json(get("/v1/usage?group_by=model", createKey("anthropic-stream-ws")));
        JsonNode row = usage.get("data").get(0);
        assertThat(row.get("model").stringValue()).isEqualTo("claude/claude-sonnet-4");
        assertThat(row.get("prompt_tokens").intValue()).isEqualTo(8);
        assertThat(row.get("completion_tokens").intValue()).isEqualTo(3);
    }

    @Test
    void anthropicErrorsKeepTheirStatusAndMessage() {
        ANTHROPIC.handler((exchange, request) -> FakeUpstream.json(exchange, 400, """
                {"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 100000 > 64000"}}"""));
        assertThatThrownBy(() -> openAi(createKey("anthropic-err-ws")).chat().completions().create(
                ChatCompletionCreateParams.builder().model("claude/claude-sonnet-4").addUserMessage("Hi").maxCompletionTokens(100000).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("max_tokens: 100000"));
    }

    @Test
    void anAnswerTheAuditLogCannotRecordIsA502() {
        ANTHROPIC.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4",
                 "content":[{"type":"text","text":"half \\ud800"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":3,"output_tokens":2}}"""));
        HttpResponse<String> answer = post("/v1/chat/completions", createKey("anthropic-broken-ws"), """
                {"model":"claude/claude-sonnet-4","messages":[{"role":"user","content":"hi"}]}""");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
        assertThat(json(answer).get("error").get("code").stringValue()).isEqualTo("upstream_failed");
    }
}
