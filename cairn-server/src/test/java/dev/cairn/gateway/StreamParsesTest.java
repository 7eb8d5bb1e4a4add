package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A stream through the whole gateway is parsed once per upstream chunk, where it arrives, however
 * many stages read it on the way: the output guard, the audit transcript and the usage that the
 * client did not ask for. Chunks Cairn builds itself (from Anthropic's events) are never parsed.
 */
class StreamParsesTest extends CairnServerTest {

    private static final String GITHUB = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
    private static final String HEAD = "{\"id\":\"chatcmpl-p\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-fake\",\"system_fingerprint\":\"fp_p\",\"service_tier\":\"default\",\"choices\":[";

    /** The SSE data lines a client received, without the final {@code [DONE]}. */
    private static List<JsonNode> chunks(HttpResponse<String> response) {
        return response.body().lines().filter(l -> l.startsWith("data: {")).map(l -> FakeUpstream.JSON.readTree(l.substring(6))).toList();
    }

    private static String content(List<JsonNode> chunks) {
        return chunks.stream().flatMap(c -> c.path("choices").valueStream())
                .map(c -> c.path("delta").path("content").asString("")).collect(Collectors.joining());
    }

    @Test
    void eachUpstreamChunkIsParsedOnceWithTheGuardTheTranscriptAndHiddenUsageAllOn() {
        List<String> words = new ArrayList<>(List.of("Keep", " this", " token", " safe:", " "));
        words.add(GITHUB.substring(0, 10));
        words.add(GITHUB.substring(10));
        for (int i = 0; i < 20; i++) {
            words.add(" word" + i);
        }
        List<String> upstreamChunks = new ArrayList<>();
        upstreamChunks.add(HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        for (String word : words) {
            upstreamChunks.add(HEAD + "{\"index\":0,\"delta\":{\"content\":" + FakeUpstream.JSON.writeValueAsString(word)
                    + "},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
        }
        upstreamChunks.add(HEAD + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}");
        upstreamChunks.add(HEAD + "],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":27,\"total_tokens\":34}}");
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            for (String chunk : upstreamChunks) {
                FakeUpstream.event(out, chunk);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
        String key = createKey("stream-parses-ws");

        long before = ChatChunk.PARSES.sum();
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"token?"}]}""");
        long parses = ChatChunk.PARSES.sum() - before;

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = chunks(response);
        assertThat(content(chunks)).as("the guard was on").startsWith("Keep this token safe: [GITHUB_TOKEN_1] word0")
                .endsWith(" word19").doesNotContain("ghp_");
        assertThat(response.body()).as("the usage the client did not ask for was taken out").doesNotContain("prompt_tokens");
        assertThat(chunks).as("fields Cairn does not read went on").allSatisfy(c ->
                assertThat(c.path("service_tier").asString()).isEqualTo("default"));
        assertThat(response.body().lines().filter(l -> !l.isEmpty()).toList().getLast()).isEqualTo("data: [DONE]");

        JsonNode entry = json(get("/v1/audit/requests/" + response.headers().firstValue("Cairn-Request-Id").orElseThrow(), key))
                .get("entry").path("data");
        assertThat(entry.path("response").path("id").asString()).as("the transcript was on").isEqualTo("chatcmpl-p");
        assertThat(entry.path("response").path("system_fingerprint").asString()).isEqualTo("fp_p");
        assertThat(entry.path("response").path("finish_reasons").get(0).asString()).isEqualTo("stop");
        assertThat(entry.path("guard").valueStream().map(v -> v.path("category").asString())).contains("github_token");

        assertThat(parses).as("parses of %d upstream chunks", upstreamChunks.size()).isEqualTo(upstreamChunks.size());
    }

    @Test
    void anUnchangedUpstreamChunkReachesTheClientAsTheUpstreamWroteIt() {
        // Spaces, an escaped character and a number format Jackson would write differently.
        String odd = "{\"id\": \"chatcmpl-o\", \"object\":\"chat.completion.chunk\", \"created\":1, \"model\":\"gpt-fake\","
                + " \"x_extra\": 1.50e2, \"choices\": [{\"index\":0, \"delta\":{\"content\":\"caf\\u00e9\"}, \"finish_reason\":null}]}";
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            FakeUpstream.event(out, odd);
            FakeUpstream.event(out, "not json, passed on as sent");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
        // With a policy that leaves answers alone, no stage changes a chunk.
        String workspace = "stream-verbatim-ws";
        HttpResponse<String> policy = send(HttpRequest.newBuilder(URI.create(url("/admin/guard/policies/" + workspace)))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"rules":{"secrets":{"action":"allow"},"pii":{"action":"allow"},"unicode":{"action":"allow"}}}"""))
                .build());
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);
        HttpResponse<String> response = post("/v1/chat/completions", createKey(workspace), """
                {"model":"fake/gpt-fake","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = response.body().lines().filter(l -> !l.isEmpty()).toList();
        assertThat(lines).contains("data: " + odd, "data: not json, passed on as sent");
    }

    @Test
    void chunksBuiltFromAnthropicEventsAreNeverParsed() {
        ANTHROPIC.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            FakeUpstream.event(out, "message_start", """
                    {"type":"message_start","message":{"id":"msg_p","type":"message","role":"assistant","content":[],
                     "model":"claude-sonnet-4","usage":{"input_tokens":5,"output_tokens":1}}}""");
            FakeUpstream.event(out, "content_block_start", """
                    {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
            for (String piece : List.of("Hello", " from", " Claude")) {
                FakeUpstream.event(out, "content_block_delta", """
                        {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"%s"}}""".formatted(piece));
            }
            FakeUpstream.event(out, "message_delta", """
                    {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}""");
            FakeUpstream.event(out, "message_stop", "{\"type\":\"message_stop\"}");
        });
        String key = createKey("stream-parses-anthropic-ws");

        long before = ChatChunk.PARSES.sum();
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"claude/claude-sonnet-4","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        long parses = ChatChunk.PARSES.sum() - before;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(content(chunks(response))).isEqualTo("Hello from Claude");
        assertThat(response.body()).doesNotContain("\"usage\"");
        JsonNode entry = json(get("/v1/audit/requests/" + response.headers().firstValue("Cairn-Request-Id").orElseThrow(), key))
                .get("entry").path("data");
        assertThat(entry.path("response").path("id").asString()).isEqualTo("msg_p");
        assertThat(parses).isZero();
    }
}
