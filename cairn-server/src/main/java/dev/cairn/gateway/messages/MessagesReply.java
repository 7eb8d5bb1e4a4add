package dev.cairn.gateway.messages;

import java.io.IOException;

import dev.cairn.gateway.GatewayPipeline;
import dev.cairn.gateway.Reply;
import dev.cairn.platform.JsonBodies;

/**
 * The gateway's {@link Reply} for a Messages request: the pipeline answers in chat completions, and
 * this turns the answer into Anthropic's message, or its stream into Anthropic's events, on the way
 * to the edge's own reply and event writer. It learns what was asked ({@link #asked}) when the
 * pipeline reads the request's body, before any answer exists.
 */
public final class MessagesReply implements Reply {

    /** The header Anthropic's SDKs read the request's id from; Cairn's request id goes there too. */
    static final String REQUEST_ID_HEADER = "request-id";

    private final Reply edge;
    private final EventWriter writer;
    private MessagesRequest asked;
    private MessagesStream events;

    public MessagesReply(Reply edge, EventWriter writer) {
        this.edge = edge;
        this.writer = writer;
    }

    /** The request as translated, once its body has been read. */
    public void asked(MessagesRequest request) {
        this.asked = request;
    }

    @Override
    public void header(String name, String value) {
        edge.header(name, value);
        if (GatewayPipeline.REQUEST_ID_HEADER.equals(name)) {
            edge.header(REQUEST_ID_HEADER, value);
        }
    }

    @Override
    public void json(byte[] body) throws IOException {
        edge.json(JsonBodies.JSON.writeValueAsBytes(MessagesAnswer.message(JsonBodies.JSON.readTree(body), asked)));
    }

    @Override
    public EventStream events() {
        if (events == null) {
            events = new MessagesStream(writer, asked);
        }
        return events;
    }
}
