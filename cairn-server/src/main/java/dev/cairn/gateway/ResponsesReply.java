package dev.cairn.gateway;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import dev.cairn.gateway.responses.ResponseObject;
import dev.cairn.gateway.responses.ResponseStream;
import dev.cairn.platform.JsonBodies;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@link Reply} of {@code POST /v1/responses}: the pipeline's chat answer, whole or streamed,
 * goes to the client as a Responses API response or its named events. {@code finished} is told the
 * request id and the response's status once the answer is complete and before the client has its
 * end, so that a client reading the response straight after finds it stored.
 */
final class ResponsesReply implements Reply {

    /** What {@code finished} is told. */
    record Finished(String requestId, String status) {
    }

    private final HttpServletResponse response;
    private final ResponseObject frame;
    private final Consumer<Finished> finished;
    private String requestId;
    private Events events;

    ResponsesReply(HttpServletResponse response, ResponseObject frame, Consumer<Finished> finished) {
        this.response = response;
        this.frame = frame;
        this.finished = finished;
    }

    @Override
    public void header(String name, String value) {
        if (name.equals(GatewayPipeline.REQUEST_ID_HEADER)) {
            requestId = value;
        }
        response.setHeader(name, value);
    }

    @Override
    public void json(byte[] body) throws IOException {
        JsonNode chat = JsonBodies.JSON.readTree(body);
        JsonNode choice = chat.path("choices").path(0);
        ObjectNode answer = frame.finished(choice.path("message"), choice.path("finish_reason").asString(null), chat.get("usage"));
        finished.accept(new Finished(requestId, answer.path("status").asString()));
        byte[] bytes = JsonBodies.JSON.writeValueAsBytes(answer);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    @Override
    public EventStream events() {
        if (events == null) {
            events = new Events();
        }
        return events;
    }

    /**
     * The chat chunks translated as they come; the pipeline's last error event, sent once the stream
     * has started, becomes {@code response.failed}, and its closing {@code [DONE]}, which the
     * Responses API does not have, the completed response.
     */
    private final class Events implements EventStream {

        private final ResponseStream translation = new ResponseStream(frame);
        private final NamedSseResponse sse = new NamedSseResponse(response);
        private boolean failed;

        @Override
        public void send(ChatChunk chunk) {
            ObjectNode tree = chunk.tree();
            if (tree != null && tree.get("error") instanceof ObjectNode error) {
                failed = true;
                write(translation.fail(error));
                return;
            }
            write(translation.chunk(chunk));
        }

        @Override
        public void done() {
            if (failed) {
                return;
            }
            List<ObjectNode> closing = translation.complete();
            finished.accept(new Finished(requestId, translation.result().path("status").asString()));
            write(closing);
        }

        @Override
        public boolean started() {
            return sse.started();
        }

        private void write(List<ObjectNode> list) {
            list.forEach(event -> sse.send(event.path("type").asString(), event));
        }
    }
}
