package dev.cairn.bench;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * The fixed answers of the fake upstream, built once: the point of the fake is to cost next to
 * nothing per request so that the benchmark measures the gateway, not the stand-in model.
 * Shapes follow what api.openai.com returns today, including the usage objects Cairn meters.
 */
record FakeResponses(Buffer completion, Buffer stream) {

    private static final String CONTENT = "Cairns are human-made piles of stones, raised as landmarks "
            + "along trails, on summits and at the edges of glaciers, so that travellers who come "
            + "after can find their way in poor weather.";

    static FakeResponses build() {
        return new FakeResponses(bytes(completionJson()), bytes(streamEvents()));
    }

    private static Buffer bytes(String text) {
        return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String completionJson() {
        return """
                {"id":"chatcmpl-BenchFake0000000000000000001","object":"chat.completion","created":1767225600,\
                "model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"%s",\
                "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":42,"completion_tokens":38,"total_tokens":80,\
                "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
                "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,\
                "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},\
                "service_tier":"default","system_fingerprint":"fp_bench0001"}""".formatted(CONTENT);
    }

    /** Role chunk, a handful of content deltas, the stop chunk, the usage chunk and [DONE]. */
    private static String streamEvents() {
        StringBuilder sse = new StringBuilder();
        sse.append(event("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"));
        for (String piece : CONTENT.split("(?<=, )")) {
            sse.append(event("{\"content\":\"" + piece + "\"}", "null"));
        }
        sse.append(event("{}", "\"stop\""));
        sse.append("data: {\"id\":\"chatcmpl-BenchFake0000000000000000002\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1767225600,\"model\":\"bench-model\",\"system_fingerprint\":\"fp_bench0001\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":38,\"total_tokens\":80}}\n\n");
        sse.append("data: [DONE]\n\n");
        return sse.toString();
    }

    private static String event(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-BenchFake0000000000000000002\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1767225600,\"model\":\"bench-model\",\"system_fingerprint\":\"fp_bench0001\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + finishReason + "}]}\n\n";
    }
}
