package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The usage chunk Cairn always asks for: counted, and kept from a client that did not ask for it. */
class StreamUsageTest {

    private static final ChatChunk CONTENT = ChatChunk.parse("""
            {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}""");
    private static final String USAGE = """
            {"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""";

    private final List<ChatChunk> sent = new ArrayList<>();

    @Test
    void theUsageChunkIsCountedAndKeptFromAClientThatDidNotAskForIt() {
        StreamUsage usage = new StreamUsage(sent::add, false);
        ChatChunk content = CONTENT;

        usage.send(content);
        usage.send(ChatChunk.parse(USAGE));

        assertThat(sent).containsExactly(content);
        assertThat(usage.usage()).isEqualTo(new Usage(3, 4));
    }

    @Test
    void aClientThatAskedGetsTheUsageChunkAsTheUpstreamSentIt() {
        StreamUsage usage = new StreamUsage(sent::add, true);
        ChatChunk chunk = ChatChunk.parse(USAGE);

        usage.send(chunk);

        assertThat(sent).containsExactly(chunk);
        assertThat(sent.getFirst().text()).isEqualTo(USAGE);
        assertThat(usage.usage()).isEqualTo(new Usage(3, 4));
    }

    @Test
    void usageOnAContentChunkIsTakenOffAndTheContentGoesOn() {
        StreamUsage usage = new StreamUsage(sent::add, false);

        usage.send(ChatChunk.parse("""
                {"id":"c","choices":[{"index":0,"delta":{"content":"Bye"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"""));

        assertThat(sent).singleElement().satisfies(chunk -> {
            assertThat(chunk.text()).as("changed, so serialised again").isNull();
            assertThat(chunk.toString()).isEqualTo("""
                    {"id":"c","choices":[{"index":0,"delta":{"content":"Bye"},"finish_reason":"stop"}]}""");
        });
        assertThat(usage.usage()).isEqualTo(new Usage(1, 2));
    }
}
