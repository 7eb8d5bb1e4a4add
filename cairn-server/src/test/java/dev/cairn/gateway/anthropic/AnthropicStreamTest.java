package dev.cairn.gateway.anthropic;

import static dev.cairn.gateway.anthropic.AnthropicFake.chat;
import static dev.cairn.gateway.anthropic.AnthropicFake.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.platform.TraceContext;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Anthropic's event stream, as the OpenAI chunks a streaming client receives. */
class AnthropicStreamTest {

    private static final String QUESTION = """
            {"model":"claude-sonnet-4","messages":[{"role":"user","content":"Hi"}],
             "stream":true,"stream_options":{"include_usage":true}}""";
    private static final String MESSAGE_START = """
            {"type":"message_start","message":{"id":"msg_S1","type":"message","role":"assistant","content":[],
             "model":"claude-sonnet-4-20250514","stop_reason":null,"stop_sequence":null,
             "usage":{"input_tokens":25,"cache_read_input_tokens":10,"output_tokens":1}}}""";

    private FakeUpstream upstream;
    private AnthropicProvider provider;
    private final List<JsonNode> chunks = new CopyOnWriteArrayList<>();

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

    private void stream() {
        provider.streamChat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null)), chunk -> chunks.add(FakeUpstream.JSON.readTree(chunk.toString())));
    }

    @Test
    void textEventsBecomeContentChunksThenAFinishChunkAndAUsageChunk() {
        upstream.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", MESSAGE_START);
            event(out, "content_block_start", """
                    {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
            event(out, "ping", "{\"type\":\"ping\"}");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}""");
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", """
                    {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":12}}""");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        });

        stream();

        JsonNode sent = upstream.last().json();
        assertThat(sent.get("stream").booleanValue()).isTrue();
        assertThat(sent.has("stream_options")).isFalse();
        assertThat(chunks).hasSize(5);
        assertThat(chunks.get(0).get("choices").get(0).get("delta")).isEqualTo(FakeUpstream.JSON.readTree("""
                {"role":"assistant","content":""}"""));
        assertThat(chunks.get(1).get("choices").get(0).get("delta").get("content").stringValue()).isEqualTo("Hello");
        assertThat(chunks.get(2).get("choices").get(0).get("delta").get("content").stringValue()).isEqualTo(" there");
        assertThat(chunks.get(3).get("choices").get(0).get("finish_reason").stringValue()).isEqualTo("stop");
        JsonNode usage = chunks.get(4);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage")).isEqualTo(FakeUpstream.JSON.readTree("""
                {"prompt_tokens":35,"completion_tokens":12,"total_tokens":47}"""));
        for (JsonNode chunk : chunks) {
            assertThat(chunk.get("id").stringValue()).isEqualTo("msg_S1");
            assertThat(chunk.get("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("model").stringValue()).isEqualTo("claude-sonnet-4-20250514");
            assertThat(chunk.get("created").longValue()).isEqualTo(chunks.getFirst().get("created").longValue());
        }
    }

    @Test
    void toolUseBlocksBecomeToolCallDeltasIndexedAmongToolCallsOnly() {
        upstream.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", MESSAGE_START);
            event(out, "content_block_start", """
                    {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}""");
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "content_block_start", """
                    {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_A","name":"weather","input":{}}}""");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}""");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}""");
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}");
            event(out, "content_block_start", """
                    {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_B","name":"now","input":{}}}""");
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}""");
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}");
            event(out, "message_delta", """
                    {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}}""");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        });

        stream();

        List<JsonNode> deltas = chunks.stream()
                .filter(chunk -> !chunk.get("choices").isEmpty())
                .map(chunk -> chunk.get("choices").get(0).get("delta"))
                .toList();
        List<JsonNode> toolCalls = deltas.stream().filter(delta -> delta.has("tool_calls"))
                .map(delta -> delta.get("tool_calls").get(0)).toList();
        assertThat(toolCalls).containsExactly(
                FakeUpstream.JSON.readTree("""
                        {"index":0,"id":"toolu_A","type":"function","function":{"name":"weather","arguments":""}}"""),
                FakeUpstream.JSON.readTree("""
                        {"index":0,"function":{"arguments":"{\\"city\\": "}}"""),
                FakeUpstream.JSON.readTree("""
                        {"index":0,"function":{"arguments":"\\"Paris\\"}"}}"""),
                FakeUpstream.JSON.readTree("""
                        {"index":1,"id":"toolu_B","type":"function","function":{"name":"now","arguments":""}}"""),
                FakeUpstream.JSON.readTree("""
                        {"index":1,"function":{"arguments":"{}"}}"""));
        assertThat(deltas.get(1).get("content").stringValue()).isEqualTo("Checking.");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.get("choices").get(0).get("finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(chunks.getLast().get("usage").get("completion_tokens").longValue()).isEqualTo(40);
    }

    @Test
    void eachChunkIsSentBeforeTheUpstreamHasFinished() {
        CountDownLatch firstChunk = new CountDownLatch(1);
        AtomicBoolean sentWhileUpstreamWaited = new AtomicBoolean();
        upstream.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", MESSAGE_START);
            sentWhileUpstreamWaited.set(firstChunk.await(5, TimeUnit.SECONDS));
            event(out, "message_delta", """
                    {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}""");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        });

        provider.streamChat(chat(QUESTION), UpstreamCall.untimed(TraceContext.from(null)), chunk -> {
            chunks.add(FakeUpstream.JSON.readTree(chunk.toString()));
            firstChunk.countDown();
        });

        assertThat(sentWhileUpstreamWaited).isTrue();
        assertThat(chunks).hasSize(3);
    }

    @Test
    void anErrorEventMidStreamFailsAsABadGatewayAfterTheChunksBeforeIt() {
        upstream.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", MESSAGE_START);
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}""");
            event(out, "error", """
                    {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        });

        assertThatThrownBy(this::stream)
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(502);
                    assertThat(e.error().message()).contains("overloaded_error").contains("Overloaded");
                });
        assertThat(chunks).hasSize(2);
        assertThat(chunks.getLast().get("choices").get(0).get("delta").get("content").stringValue()).isEqualTo("Hel");
    }

    @Test
    void aStreamCutOffBeforeMessageStopFailsAsABadGateway() {
        upstream.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", MESSAGE_START);
            event(out, "content_block_delta", """
                    {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}""");
        });

        assertThatThrownBy(this::stream)
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(502);
                    assertThat(e.error().message()).contains("message_stop");
                });
        assertThat(chunks).noneMatch(chunk -> chunk.has("usage"));
    }

    @Test
    void anUpstreamRefusalBeforeTheStreamStartsKeepsItsStatus() {
        upstream.handler((exchange, request) -> FakeUpstream.json(exchange, 429, """
                {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your rate limit"}}"""));

        assertThatThrownBy(this::stream)
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(429);
                    assertThat(e.error().message()).contains("rate limit");
                });
        assertThat(chunks).isEmpty();
    }
}
