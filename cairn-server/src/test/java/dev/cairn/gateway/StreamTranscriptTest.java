package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;

/** A streamed answer put back together for the audit entry, read from the chunks as they pass. */
class StreamTranscriptTest {

    private static final String HEAD = "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-t\",\"system_fingerprint\":\"fp_t\",\"choices\":[";

    private final List<ChatChunk> sent = new ArrayList<>();
    private final StreamTranscript transcript = new StreamTranscript(sent::add);

    private void upstream(String... choices) {
        for (String choice : choices) {
            transcript.send(ChatChunk.parse(HEAD + choice + "]}"));
        }
    }

    @Test
    void choicesComeBackInTheShapeOfAnAnswerThatWasNotStreamed() {
        upstream("""
                {"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}""", """
                {"index":1,"delta":{"role":"assistant","refusal":"I can"},"finish_reason":null}""", """
                {"index":0,"delta":{"content":"Hello"},"logprobs":{"content":[{"token":"Hello","logprob":-0.1}],"refusal":null},"finish_reason":null}""", """
                {"index":1,"delta":{"refusal":"not."},"finish_reason":null}""", """
                {"index":0,"delta":{"content":" there"},"finish_reason":null}""", """
                {"index":0,"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"stop"}""");

        assertThat(transcript.choices()).isEqualTo(JsonBodies.JSON.readTree("""
                [{"index":0,"message":{"role":"assistant","content":"Hello there"},"finish_reason":"stop"},
                 {"index":1,"message":{"role":"assistant","content":"","refusal":"I cannot."},"finish_reason":"stop"}]"""));
        assertThat(transcript.id()).isEqualTo("chatcmpl-t");
        assertThat(transcript.model()).isEqualTo("gpt-t");
        assertThat(transcript.systemFingerprint()).isEqualTo("fp_t");
        assertThat(transcript.finishReasons()).containsExactly("stop", "stop");
    }

    @Test
    void toolCallsAreMergedByIndexWithTheirArgumentsJoined() {
        upstream("""
                {"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get","arguments":""}}]},"finish_reason":null}""", """
                {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]},"finish_reason":null}""", """
                {"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"put","arguments":"{}"}}]},"finish_reason":null}""", """
                {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Oslo\\"}"}}]},"finish_reason":null}""", """
                {"index":0,"delta":{},"finish_reason":"tool_calls"}""");

        assertThat(transcript.choices()).isEqualTo(JsonBodies.JSON.readTree("""
                [{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"get","arguments":"{\\"city\\":\\"Oslo\\"}"}},
                   {"id":"call_2","type":"function","function":{"name":"put","arguments":"{}"}}]},
                  "finish_reason":"tool_calls"}]"""));
        assertThat(transcript.finishReasons()).containsExactly("tool_calls");
    }

    @Test
    void everyChunkGoesOnAsItCameAndOnesThatAreNotObjectsAreLeftAlone() {
        ChatChunk content = ChatChunk.parse(HEAD + "{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}");
        ChatChunk notJson = ChatChunk.parse("{\"id\": broken");
        ChatChunk array = ChatChunk.parse("[{\"choices\":[]}]");
        ChatChunk usage = ChatChunk.parse("{\"id\":\"chatcmpl-t\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}");

        List.of(content, notJson, array, usage).forEach(transcript::send);

        assertThat(sent).containsExactly(content, notJson, array, usage);
        assertThat(sent).allSatisfy(chunk -> assertThat(chunk.text()).isNotNull());
        assertThat(transcript.choices()).isEqualTo(JsonBodies.JSON.readTree("""
                [{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":null}]"""));
    }

    @Test
    void aChunkCairnBuiltIsReadFromItsTree() {
        var tree = JsonBodies.JSON.createObjectNode().put("id", "msg_1").put("model", "claude");
        tree.putArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta").put("content", "Hey");

        transcript.send(ChatChunk.of(tree));

        assertThat(transcript.id()).isEqualTo("msg_1");
        assertThat(transcript.model()).isEqualTo("claude");
        assertThat(transcript.systemFingerprint()).isNull();
        assertThat(transcript.choices().get(0).path("message").path("content").stringValue()).isEqualTo("Hey");
    }
}
