package dev.cairn.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.ErrorBodies;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Messages API's translations, without a server: request to chat body, answer and stream back. */
class MessagesTranslationTest {

    private static ObjectNode json(String text) {
        return (ObjectNode) JsonBodies.JSON.readTree(text);
    }

    @Test
    void aRequestBecomesAChatBodyWithToolCallsAndToolMessagesInOrder() {
        MessagesRequest asked = MessagesRequest.read(json("""
                {"model":"fake/gpt-fake","max_tokens":64,"stream":true,"top_k":3,"stop_sequences":["STOP"],
                 "system":[{"type":"text","text":"First."},{"type":"text","text":"Second.","cache_control":{"type":"ephemeral"}}],
                 "metadata":{"user_id":"u1"},
                 "tools":[{"name":"look","description":"Looks","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"tool","name":"look","disable_parallel_tool_use":true},
                 "messages":[
                   {"role":"user","content":[{"type":"text","text":"See"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                     {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"Looking."},
                     {"type":"tool_use","id":"toolu_1","name":"look","input":{"at":"sky"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"blue"},
                     {"type":"image","source":{"type":"url","url":"https://example.com/sky.png"}}]},{"type":"text","text":"And now?"}]}]}"""));

        ObjectNode chat = asked.chat();
        assertThat(asked.stream()).isTrue();
        assertThat(asked.stopSequences()).containsExactly("STOP");
        assertThat(chat.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(chat.has("top_k")).isFalse();
        assertThat(chat.get("user").asString()).isEqualTo("u1");
        assertThat(chat.get("tool_choice").get("function").get("name").asString()).isEqualTo("look");
        assertThat(chat.get("parallel_tool_calls").asBoolean()).isFalse();
        assertThat(chat.get("tools").get(0).get("function").get("parameters").get("type").asString()).isEqualTo("object");

        JsonNode messages = chat.get("messages");
        assertThat(messages.valueStream().map(m -> m.get("role").asString()).toList())
                .containsExactly("system", "user", "assistant", "tool", "user");
        assertThat(messages.get(0).get("content").asString()).isEqualTo("First.\n\nSecond.");
        assertThat(messages.get(1).get("content").get(1).get("image_url").get("url").asString()).isEqualTo("data:image/png;base64,AAAA");
        assertThat(messages.get(1).get("content").get(2).get("image_url").get("url").asString()).isEqualTo("https://example.com/a.png");
        assertThat(messages.get(2).get("content").asString()).isEqualTo("Looking.");
        assertThat(messages.get(2).get("tool_calls").get(0).get("function").get("arguments").asString()).isEqualTo("{\"at\":\"sky\"}");
        assertThat(messages.get(3).get("tool_call_id").asString()).isEqualTo("toolu_1");
        assertThat(messages.get(3).get("content").get(0).get("text").asString()).isEqualTo("blue");
        // The result's image cannot go in a tool message: it follows, with the turn's own text.
        assertThat(messages.get(4).get("content").get(0).get("image_url").get("url").asString()).isEqualTo("https://example.com/sky.png");
        assertThat(messages.get(4).get("content").get(1).get("text").asString()).isEqualTo("And now?");
    }

    @Test
    void toolChoicesMapToOpenAisAndCountingNeedsNoMaxTokens() {
        String base = """
                {"model":"m","max_tokens":5,"tools":[{"name":"t","input_schema":{"type":"object"}}],"tool_choice":%s,
                 "messages":[{"role":"user","content":"hi"}]}""";
        assertThat(MessagesRequest.read(json(base.formatted("{\"type\":\"auto\"}"))).chat().get("tool_choice").asString()).isEqualTo("auto");
        assertThat(MessagesRequest.read(json(base.formatted("{\"type\":\"any\"}"))).chat().get("tool_choice").asString()).isEqualTo("required");
        assertThat(MessagesRequest.read(json(base.formatted("{\"type\":\"none\"}"))).chat().get("tool_choice").asString()).isEqualTo("none");
        assertThat(MessagesRequest.forCounting(json("""
                {"model":"m","messages":[{"role":"user","content":"hi"}]}""")).chat().has("max_tokens")).isFalse();
    }

    @Test
    void wrongRequestsAreRefusedNamingTheField() {
        assertRefused("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model");
        assertRefused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens");
        assertRefused("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens");
        assertRefused("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}", "messages");
        assertRefused("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content");
        assertRefused("{\"model\":\"m\",\"max_tokens\":5,\"system\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "system");
        assertRefused("{\"model\":\"m\",\"max_tokens\":5,\"stop_sequences\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "stop_sequences");
        assertRefused("""
                {"model":"m","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"hi"}]}""",
                "tools[0].type");
        assertRefused("""
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""",
                "messages[0].content[0].source.type");
    }

    private static void assertRefused(String body, String param) {
        assertThatThrownBy(() -> MessagesRequest.read(json(body))).isInstanceOfSatisfying(RequestException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().param()).isEqualTo(param);
        });
    }

    @Test
    void aChatAnswerBecomesAMessageWithParsedToolInput() {
        MessagesRequest asked = MessagesRequest.read(json("""
                {"model":"group-a","max_tokens":5,"stop_sequences":["##"],"messages":[{"role":"user","content":"hi"}]}"""));
        ObjectNode message = MessagesAnswer.message(json("""
                {"id":"chatcmpl-9","choices":[{"index":0,"message":{"role":"assistant","content":"Sure.","tool_calls":[
                  {"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}},
                  {"id":"c2","type":"function","function":{"name":"g","arguments":"{broken"}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":7,"completion_tokens":4}}"""), asked);

        assertThat(message.get("id").asString()).isEqualTo("msg_9");
        assertThat(message.get("type").asString()).isEqualTo("message");
        assertThat(message.get("model").asString()).isEqualTo("group-a");
        assertThat(message.get("stop_reason").asString()).isEqualTo("tool_use");
        assertThat(message.get("content").get(0).get("text").asString()).isEqualTo("Sure.");
        assertThat(message.get("content").get(1).get("input").get("a").asInt()).isEqualTo(1);
        assertThat(message.get("content").get(2).get("input").isEmpty()).isTrue();
        assertThat(message.get("usage").get("input_tokens").asLong()).isEqualTo(7);
        assertThat(message.get("usage").get("output_tokens").asLong()).isEqualTo(4);

        assertThat(stopReason("length", null, asked)).isEqualTo("max_tokens");
        assertThat(stopReason("stop", null, asked)).isEqualTo("end_turn");
        assertThat(stopReason("content_filter", null, asked)).isEqualTo("refusal");
        // An upstream that names the stop sequence that matched (vLLM's stop_reason).
        assertThat(stopReason("stop", "##", asked)).isEqualTo("stop_sequence");
    }

    private static String stopReason(String finish, String matched, MessagesRequest asked) {
        ObjectNode choice = JsonBodies.JSON.createObjectNode().put("finish_reason", finish).put("stop_reason", matched);
        ObjectNode out = JsonBodies.JSON.createObjectNode();
        MessagesAnswer.stop(out, choice, asked);
        return out.get("stop_reason").asString();
    }

    /** Events kept in a list, as {@code type data}. */
    private static final class Recorded implements EventWriter {
        final List<String> events = new ArrayList<>();

        @Override
        public void send(String type, ObjectNode data) {
            assertThat(data.get("type").asString()).isEqualTo(type);
            events.add(type + " " + data);
        }

        @Override
        public boolean started() {
            return !events.isEmpty();
        }
    }

    @Test
    void textThenAToolCallStreamAsTwoBlocks() {
        Recorded out = new Recorded();
        MessagesStream stream = new MessagesStream(out, MessagesRequest.read(json("""
                {"model":"fake/gpt-fake","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}""")));
        assertThat(stream.started()).isFalse();
        stream.send(ChatChunk.parse("""
                {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"""));
        stream.send(ChatChunk.parse("""
                {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"On it."},"finish_reason":null}]}"""));
        stream.send(ChatChunk.parse("""
                {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\\"a\\""}}]},"finish_reason":null}]}"""));
        stream.send(ChatChunk.parse("""
                {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}"""));
        stream.send(ChatChunk.parse("""
                {"id":"chatcmpl-1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":6}}"""));
        stream.done();

        assertThat(out.events).extracting(e -> e.substring(0, e.indexOf(' '))).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(out.events.get(0)).contains("\"id\":\"msg_1\"").contains("\"model\":\"fake/gpt-fake\"");
        assertThat(out.events.get(3)).contains("\"index\":0").contains("{\"type\":\"text_delta\",\"text\":\"On it.\"}");
        assertThat(out.events.get(5)).contains("\"index\":1").contains("\"type\":\"tool_use\",\"id\":\"c1\",\"name\":\"f\",\"input\":{}");
        assertThat(out.events.get(7)).contains("{\"type\":\"input_json_delta\",\"partial_json\":\":1}\"}");
        assertThat(out.events.get(9)).contains("\"stop_reason\":\"tool_use\"").contains("\"input_tokens\":9").contains("\"output_tokens\":6");
    }

    @Test
    void anErrorEndingTheStreamBecomesAnthropicsErrorEventAndNothingAfter() {
        Recorded out = new Recorded();
        MessagesStream stream = new MessagesStream(out, MessagesRequest.read(json("""
                {"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}""")));
        stream.send(ChatChunk.parse("""
                {"id":"x","choices":[{"index":0,"delta":{"content":"Part"},"finish_reason":null}]}"""));
        stream.send(ChatChunk.of(ErrorBodies.tree(new ApiError(400, "invalid_request_error", "content_blocked", null, "Blocked"))));
        stream.done();

        assertThat(out.events.getLast()).isEqualTo("error {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Blocked\"}}");
        assertThat(out.events).noneMatch(e -> e.startsWith("message_stop"));
    }

    @Test
    void errorTypesFollowAnthropicsStatuses() {
        assertThat(ErrorBodies.Shape.forPath("/v1/messages")).isEqualTo(ErrorBodies.Shape.ANTHROPIC);
        assertThat(ErrorBodies.Shape.forPath("/v1/messages/count_tokens")).isEqualTo(ErrorBodies.Shape.ANTHROPIC);
        assertThat(ErrorBodies.Shape.forPath("/v1/messagesx")).isEqualTo(ErrorBodies.Shape.OPENAI);
        assertThat(ErrorBodies.Shape.forPath("/v1/chat/completions")).isEqualTo(ErrorBodies.Shape.OPENAI);
        assertThat(ErrorBodies.Shape.forPath(null)).isEqualTo(ErrorBodies.Shape.OPENAI);
        assertThat(List.of(400, 401, 403, 404, 413, 429, 500, 502, 503, 504).stream().map(s -> ErrorBodies.anthropicType(s, "x")))
                .containsExactly("invalid_request_error", "authentication_error", "permission_error", "not_found_error",
                        "request_too_large", "rate_limit_error", "api_error", "api_error", "overloaded_error", "api_error");
        assertThat(ErrorBodies.anthropicType(0, "tokens")).isEqualTo("rate_limit_error");
        assertThat(ErrorBodies.anthropicType(0, "upstream_error")).isEqualTo("api_error");
    }
}
