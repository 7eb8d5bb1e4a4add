package dev.cairn.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.GatewayProperties;
import dev.cairn.gateway.ProviderResult;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** An {@code openai} provider with {@code api: responses}: called at /responses, its answers read back as chat completions. */
class ResponsesApiProviderTest {

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static final UpstreamCall CALL = UpstreamCall.untimed(TraceContext.from(null));

    private final OpenAiProvider provider = new OpenAiProvider("resp", new GatewayProperties.Provider("openai", UPSTREAM.baseUrl(),
            "sk-test", Duration.ofSeconds(2), Duration.ofSeconds(10), List.of(), Map.of(), "responses"));

    @BeforeEach
    void reset() {
        UPSTREAM.reset();
    }

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    @Test
    void aChatRequestIsSentAsAResponsesCallAndItsAnswerComesBackAsAChatCompletion() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"resp_up","object":"response","created_at":7,"status":"completed","model":"gpt-x",
                 "output":[{"id":"rs_1","type":"reasoning","summary":[]},
                   {"id":"msg_up","type":"message","role":"assistant","status":"completed",
                    "content":[{"type":"output_text","text":"Checking the weather","annotations":[]}]},
                   {"id":"fc_up","type":"function_call","call_id":"call_9","name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}","status":"completed"}],
                 "usage":{"input_tokens":12,"output_tokens":5,"total_tokens":17}}"""));

        ProviderResult result = provider.chat(object("""
                {"model":"gpt-x","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Weather?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"rain"}],
                 "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}],
                 "max_completion_tokens":100,"temperature":0.3}"""), CALL);

        FakeUpstream.Received sent = UPSTREAM.last();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        JsonNode body = sent.json();
        assertThat(body.path("store").asBoolean(true)).isFalse();
        assertThat(body.path("max_output_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("input").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"weather\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"rain\"}]");
        assertThat(body.path("tools").toString()).isEqualTo("[{\"type\":\"function\",\"name\":\"weather\",\"parameters\":{\"type\":\"object\"}}]");

        JsonNode answer = JsonBodies.JSON.readTree(result.body());
        JsonNode message = answer.path("choices").get(0).path("message");
        assertThat(message.path("content").asString()).isEqualTo("Checking the weather");
        assertThat(message.path("tool_calls").get(0).path("id").asString()).isEqualTo("call_9");
        assertThat(message.path("tool_calls").get(0).path("function").path("arguments").asString()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(answer.path("choices").get(0).path("finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(result.usage().promptTokens()).isEqualTo(12);
        assertThat(result.usage().completionTokens()).isEqualTo(5);
    }

    @Test
    void aResponsesStreamBecomesChatChunks() {
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            FakeUpstream.event(out, "response.created", """
                    {"type":"response.created","sequence_number":0,"response":{"id":"resp_up","created_at":7,"model":"gpt-x","status":"in_progress","output":[]}}""");
            FakeUpstream.event(out, "response.output_text.delta", """
                    {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_up","output_index":0,"content_index":0,"delta":"Hel"}""");
            FakeUpstream.event(out, "response.output_text.delta", """
                    {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_up","output_index":0,"content_index":0,"delta":"lo"}""");
            FakeUpstream.event(out, "response.completed", """
                    {"type":"response.completed","sequence_number":3,"response":{"id":"resp_up","status":"completed",
                     "output":[],"usage":{"input_tokens":3,"output_tokens":2,"total_tokens":5}}}""");
            out.flush();
        });
        List<ChatChunk> chunks = new ArrayList<>();

        provider.streamChat(object("{\"model\":\"gpt-x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"),
                CALL, chunks::add);

        assertThat(UPSTREAM.last().json().path("stream").asBoolean()).isTrue();
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> {
            if (c.choices() != null) {
                c.choices().forEach(choice -> text.append(choice.path("delta").path("content").asString("")));
            }
        });
        assertThat(text).hasToString("Hello");
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).path("finish_reason").asString()).isEqualTo("stop");
        assertThat(chunks.getLast().usage().path("total_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void aStreamThatFailsOrStopsShortIsAnUpstreamFailure() {
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            FakeUpstream.event(exchange.getResponseBody(), "response.failed", """
                    {"type":"response.failed","sequence_number":0,"response":{"status":"failed","error":{"code":"server_error","message":"overloaded"}}}""");
        });
        assertThatThrownBy(() -> provider.streamChat(object("{\"model\":\"gpt-x\",\"messages\":[],\"stream\":true}"), CALL, c -> { }))
                .isInstanceOf(GatewayException.class).hasMessageContaining("overloaded");

        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            FakeUpstream.event(exchange.getResponseBody(), "response.created", """
                    {"type":"response.created","sequence_number":0,"response":{"id":"r","status":"in_progress","output":[]}}""");
        });
        assertThatThrownBy(() -> provider.streamChat(object("{\"model\":\"gpt-x\",\"messages\":[],\"stream\":true}"), CALL, c -> { }))
                .isInstanceOf(GatewayException.class).hasMessageContaining("response.completed");
    }

    private static ObjectNode object(String json) {
        return (ObjectNode) JsonBodies.JSON.readTree(json);
    }
}
