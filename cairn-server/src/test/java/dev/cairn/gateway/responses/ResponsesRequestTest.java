package dev.cairn.gateway.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ResponsesRequestTest {

    @Test
    void aStringInputWithInstructionsIsASystemAndAUserMessage() {
        ObjectNode chat = chat("""
                {"model":"m","instructions":"Be brief","input":"Hi","max_output_tokens":64,"temperature":0.5,"top_p":0.9,
                 "parallel_tool_calls":false,"user":"u1","metadata":{"k":"v"},"store":true,"include":["x"]}""");

        assertThat(chat.toString()).isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}],\"max_completion_tokens\":64,\"temperature\":0.5,\"top_p\":0.9,"
                + "\"parallel_tool_calls\":false,\"user\":\"u1\",\"metadata\":{\"k\":\"v\"}}");
    }

    @Test
    void inputItemsBecomeChatMessagesWithToolCallsAndResults() {
        ObjectNode chat = chat("""
                {"model":"m","input":[
                  {"role":"developer","content":"Use tools"},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"Look "},
                    {"type":"input_image","image_url":"https://x/cat.png","detail":"low"}]},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking"}]},
                  {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
                  {"type":"function_call","call_id":"c2","name":"g","arguments":"{\\"a\\":1}"},
                  {"type":"function_call_output","call_id":"c1","output":"one"},
                  {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"two"}]},
                  {"type":"reasoning","id":"rs_1","summary":[]}]}""");

        JsonNode messages = chat.get("messages");
        assertThat(messages).hasSize(5);
        assertThat(messages.get(0).toString()).isEqualTo("{\"role\":\"developer\",\"content\":\"Use tools\"}");
        assertThat(messages.get(1).toString()).isEqualTo("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Look \"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/cat.png\",\"detail\":\"low\"}}]}");
        assertThat(messages.get(2).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"Checking\",\"tool_calls\":["
                + "{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"a\\\":1}\"}}]}");
        assertThat(messages.get(3).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"one\"}");
        assertThat(messages.get(4).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"c2\",\"content\":\"two\"}");
    }

    @Test
    void functionToolsToolChoiceAndTextFormatTranslate() {
        ObjectNode chat = chat("""
                {"model":"m","input":"x",
                 "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object"},"strict":true}],
                 "tool_choice":{"type":"function","name":"f"},
                 "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}},
                 "reasoning":{"effort":"low"}}""");

        assertThat(chat.get("tools").toString()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":\"d\","
                + "\"parameters\":{\"type\":\"object\"},\"strict\":true}}]");
        assertThat(chat.get("tool_choice").toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
        assertThat(chat.get("response_format").toString()).isEqualTo("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"out\","
                + "\"schema\":{\"type\":\"object\"},\"strict\":true}}");
        assertThat(chat.get("reasoning_effort").asString()).isEqualTo("low");
        assertThat(chat("{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_object\"}}}").get("response_format")
                .toString()).isEqualTo("{\"type\":\"json_object\"}");
    }

    @Test
    void aStreamAsksForTheUsageChunkAndHistoryGoesBetweenInstructionsAndInput() {
        ResponsesRequest request = ResponsesRequest.of(object("{\"model\":\"m\",\"instructions\":\"I\",\"input\":\"new\",\"stream\":true,"
                + "\"previous_response_id\":\"resp_1\",\"store\":false}"));
        ObjectNode chat = request.chatBody(List.of(object("{\"role\":\"user\",\"content\":\"old\"}"),
                object("{\"role\":\"assistant\",\"content\":\"reply\"}")));

        assertThat(request.previousResponseId()).isEqualTo("resp_1");
        assertThat(request.store()).isFalse();
        assertThat(chat.get("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"I\"},{\"role\":\"user\",\"content\":\"old\"},"
                + "{\"role\":\"assistant\",\"content\":\"reply\"},{\"role\":\"user\",\"content\":\"new\"}]");
        assertThat(chat.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
    }

    @Test
    void anItemReferenceIsTheReferencedItemTranslated() {
        ResponsesRequest.Items items = (id, param) -> object("""
                {"id":"%s","type":"message","role":"assistant","status":"completed",
                 "content":[{"type":"output_text","text":"Earlier answer","annotations":[]}]}""".formatted(id));
        ObjectNode chat = ResponsesRequest.of(object("""
                {"model":"m","input":[{"type":"item_reference","id":"msg_1"},{"role":"user","content":"next"}]}"""), items)
                .chatBody(List.of());

        assertThat(chat.get("messages").toString()).isEqualTo("[{\"role\":\"assistant\",\"content\":\"Earlier answer\"},"
                + "{\"role\":\"user\",\"content\":\"next\"}]");
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_x\"}]}"))
                .isInstanceOfSatisfying(ResponsesException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(404);
                    assertThat(e.error().code()).isEqualTo("item_not_found");
                    assertThat(e.error().param()).isEqualTo("input[0].id");
                });
    }

    @ParameterizedTest(name = "{0} -> {1} at {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"input\":\"x\"}|missing_required_parameter|model",
            "{\"model\":\"m\"}|missing_required_parameter|input",
            "{\"model\":\"m\",\"input\":42}|invalid_type|input",
            "{\"model\":7,\"input\":\"x\"}|invalid_type|model",
            "{\"model\":\"m\",\"input\":[\"x\"]}|invalid_type|input[0]",
            "{\"model\":\"m\",\"input\":[{\"type\":\"computer_call_output\",\"call_id\":\"c\"}]}|unsupported_parameter|input[0].type",
            "{\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}|invalid_value|input[0].role",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}|unsupported_parameter|input[0].content[0].type",
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"output\":\"x\"}]}|missing_required_parameter|input[0].call_id",
            "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"file_search\"}]}|unsupported_parameter|tools[0].type",
            "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}|missing_required_parameter|tools[0].name",
            "{\"model\":\"m\",\"input\":\"x\",\"tool_choice\":{\"type\":\"web_search_preview\"}}|unsupported_parameter|tool_choice.type",
            "{\"model\":\"m\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"yaml\"}}}|invalid_value|text.format.type",
            "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}|invalid_type|max_output_tokens",
            "{\"model\":\"m\",\"input\":\"x\",\"temperature\":\"hot\"}|invalid_type|temperature",
            "{\"model\":\"m\",\"input\":\"x\",\"store\":\"yes\"}|invalid_type|store",
            "{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":5}|invalid_type|previous_response_id",
            "{\"model\":\"m\",\"input\":\"x\",\"background\":true}|unsupported_parameter|background",
            "{\"model\":\"m\",\"input\":\"x\",\"conversation\":\"conv_1\"}|unsupported_parameter|conversation",
            "{\"model\":\"m\",\"input\":[]}|invalid_value|input",
    })
    void aBadRequestIsRefusedNamingTheField(String body, String code, String param) {
        assertThatThrownBy(() -> chat(body))
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo(code);
                    assertThat(e.error().param()).isEqualTo(param);
                });
    }

    private static ObjectNode chat(String body) {
        return ResponsesRequest.of(object(body)).chatBody(List.of());
    }

    private static ObjectNode object(String json) {
        return (ObjectNode) JsonBodies.JSON.readTree(json);
    }
}
