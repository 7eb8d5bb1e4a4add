package dev.cairn.gateway.anthropic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.cairn.gateway.GatewayProperties;
import dev.cairn.platform.JsonBodies;
import dev.cairn.support.FakeUpstream;
import tools.jackson.databind.node.ObjectNode;

/** What the Anthropic tests share: a provider aimed at a fake upstream, and Messages API answers. */
final class AnthropicFake {

    static final int DEFAULT_MAX_TOKENS = 1024;

    static final String TEXT_ANSWER = """
            {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4",
             "content":[{"type":"text","text":"Hello"}],"stop_reason":"end_turn","stop_sequence":null,
             "usage":{"input_tokens":9,"output_tokens":1}}""";

    private AnthropicFake() {
    }

    static AnthropicProvider provider(FakeUpstream upstream) {
        return new AnthropicProvider("claude", new GatewayProperties.Provider("anthropic", upstream.baseUrl(),
                "sk-ant-test", Duration.ofSeconds(2), Duration.ofSeconds(10), List.of("claude-sonnet-4"), Map.of(), "chat"),
                DEFAULT_MAX_TOKENS);
    }

    /** An OpenAI chat body as the pipeline hands it on: model already the upstream's name. */
    static ObjectNode chat(String json) {
        return JsonBodies.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    /** One server-sent event with an {@code event:} name, as Anthropic writes them. */
    static void event(OutputStream out, String event, String data) throws IOException {
        FakeUpstream.event(out, event, data);
    }
}
