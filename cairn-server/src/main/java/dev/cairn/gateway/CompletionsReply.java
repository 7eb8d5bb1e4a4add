package dev.cairn.gateway;

import java.io.IOException;

import dev.cairn.gateway.completions.CompletionAnswer;
import dev.cairn.gateway.completions.CompletionChunks;
import dev.cairn.gateway.completions.CompletionRequest;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two translations of a legacy text completion, where the pipeline meets them: the client's body
 * becomes a chat body as the pipeline reads it (so a refused body is a recorded failed request, like
 * malformed JSON on chat), and the chat answer becomes a text completion on its way to the client,
 * whole or chunk by chunk. Everything between, guards included, sees an ordinary chat completion.
 */
final class CompletionsReply implements Reply {

    private final Reply client;
    private CompletionRequest request;
    private Events events;

    CompletionsReply(Reply client) {
        this.client = client;
    }

    /** The chat body for the client's completions body; the request is kept to shape the answer. */
    byte[] chatBody(byte[] completionsBody) {
        request = CompletionRequest.of(JsonBodies.parseObject(completionsBody));
        return JsonBodies.JSON.writeValueAsBytes(request.chat());
    }

    @Override
    public void header(String name, String value) {
        client.header(name, value);
    }

    @Override
    public void json(byte[] body) throws IOException {
        ObjectNode completion = (ObjectNode) JsonBodies.JSON.readTree(body);
        client.json(JsonBodies.JSON.writeValueAsBytes(CompletionAnswer.of(completion, request)));
    }

    @Override
    public EventStream events() {
        if (events == null) {
            events = new Events(client.events(), new CompletionChunks(request, System.currentTimeMillis() / 1000));
        }
        return events;
    }

    /** The client's stream, fed text completion events made from the chat chunks the pipeline sends. */
    private record Events(EventStream client, CompletionChunks chunks) implements EventStream {

        @Override
        public void send(ChatChunk chunk) {
            // A chunk that is not a JSON object has no text this API could carry.
            ObjectNode event = chunk.isObject() ? chunks.next(chunk.tree()) : null;
            if (event != null) {
                client.send(ChatChunk.of(event));
            }
        }

        @Override
        public boolean started() {
            return client.started();
        }

        @Override
        public void done() {
            client.done();
        }
    }
}
