package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.node.ObjectNode;

/** The client's edge of a stream: upstream text as it came, Cairn's own chunks serialised once. */
class SseResponseTest {

    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final SseResponse sse = new SseResponse(response);

    @Test
    void anUnchangedUpstreamChunkIsWrittenAsTheUpstreamWroteIt() throws Exception {
        String odd = "{\"id\": \"c\",  \"x\": 1.50e2, \"choices\": [{\"delta\": {\"content\": \"caf\\u00e9\"}}]}";

        sse.send(ChatChunk.parse(odd));
        sse.send(ChatChunk.parse("two\nlines"));
        sse.done();

        assertThat(response.getContentType()).startsWith("text/event-stream");
        assertThat(response.getContentAsString()).isEqualTo("data: " + odd + "\n\ndata: two\ndata: lines\n\ndata: [DONE]\n\n");
    }

    @Test
    void aChunkCairnBuiltOrChangedIsSerialisedCompactly() throws Exception {
        ObjectNode tree = JsonBodies.JSON.createObjectNode().put("id", "c").put("text", "é\nnew line");
        tree.putArray("choices");

        sse.send(ChatChunk.of(tree));
        sse.send(ChatChunk.parse("{\"id\": \"d\"}").changed());

        assertThat(response.getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("data: {\"id\":\"c\",\"text\":\"é\\nnew line\",\"choices\":[]}\n\ndata: {\"id\":\"d\"}\n\n");
        assertThat(sse.started()).isTrue();
    }
}
