package dev.cairn.gateway.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.gateway.ChatChunk;
import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ResponseStreamTest {

    private final ResponseObject frame = new ResponseObject("resp_1", 100, object("{\"model\":\"m\",\"messages\":[]}"), false, null, true);

    @Test
    void textChunksBecomeAMessageItemWithDeltasAndACompletedResponse() {
        ResponseStream stream = new ResponseStream(frame);
        List<ObjectNode> events = new ArrayList<>();
        events.addAll(stream.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}")));
        events.addAll(stream.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}")));
        events.addAll(stream.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}")));
        events.addAll(stream.chunk(chunk("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}")));
        events.addAll(stream.complete());

        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(events.get(6).path("text").asString()).isEqualTo("Hello");
        assertThat(events.get(6).path("item_id").asString()).isEqualTo("msg_1");
        JsonNode completed = events.getLast().path("response");
        assertThat(completed.path("status").asString()).isEqualTo("completed");
        assertThat(completed.path("output").get(0).path("content").get(0).path("text").asString()).isEqualTo("Hello");
        assertThat(completed.path("usage").path("input_tokens").asInt()).isEqualTo(5);
        assertThat(completed.path("usage").path("output_tokens").asInt()).isEqualTo(2);
        assertThat(completed.path("usage").path("total_tokens").asInt()).isEqualTo(7);
        assertThat(completed).isEqualTo(frame.finished(object("{\"role\":\"assistant\",\"content\":\"Hello\"}"), "stop",
                object("{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}")));
    }

    @Test
    void toolCallChunksBecomeFunctionCallItemsWithArgumentDeltas() {
        ResponseStream stream = new ResponseStream(frame);
        List<ObjectNode> events = new ArrayList<>();
        events.addAll(stream.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}")));
        events.addAll(stream.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\"\"}}]}}]}")));
        events.addAll(stream.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":1}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}]}")));
        events.addAll(stream.complete());

        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(events.get(5).path("arguments").asString()).isEqualTo("{\"a\":1}");
        assertThat(events.get(5).path("name").asString()).isEqualTo("f");
        JsonNode call = events.getLast().path("response").path("output").get(0);
        assertThat(call.toString()).isEqualTo("{\"id\":\"fc_1_0\",\"type\":\"function_call\",\"call_id\":\"call_a\",\"name\":\"f\","
                + "\"arguments\":\"{\\\"a\\\":1}\",\"status\":\"completed\"}");
    }

    @Test
    void anAnswerCutShortIsIncompleteAndAFailureEndsTheStream() {
        ResponseStream cut = new ResponseStream(frame);
        cut.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"length\"}]}"));
        ObjectNode last = cut.complete().getLast();
        assertThat(last.path("type").asString()).isEqualTo("response.incomplete");
        assertThat(last.path("response").path("incomplete_details").path("reason").asString()).isEqualTo("max_output_tokens");

        ResponseStream failing = new ResponseStream(frame);
        failing.chunk(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}"));
        List<ObjectNode> failed = failing.fail(object("{\"message\":\"upstream broke\",\"code\":\"upstream_error\"}"));
        assertThat(types(failed)).containsExactly("response.failed");
        assertThat(failed.getFirst().path("response").path("error").path("message").asString()).isEqualTo("upstream broke");
        assertThat(failing.complete()).isEmpty();
    }

    private static List<String> types(List<ObjectNode> events) {
        return events.stream().map(e -> e.path("type").asString()).toList();
    }

    private static ChatChunk chunk(String json) {
        return ChatChunk.parse(json);
    }

    private static ObjectNode object(String json) {
        return (ObjectNode) JsonBodies.JSON.readTree(json);
    }
}
