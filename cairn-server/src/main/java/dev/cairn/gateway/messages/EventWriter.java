package dev.cairn.gateway.messages;

import tools.jackson.databind.node.ObjectNode;

/**
 * Where Anthropic's stream events go: named server-sent events ({@code event: <type>} then
 * {@code data: <json>}), each flushed as it is written. The edge implements it on the servlet
 * response; a test keeps the events in a list.
 */
public interface EventWriter {

    /** Writes one event; throws {@code ClientGoneException} when the client has gone. */
    void send(String type, ObjectNode data);

    /** Whether the first event went out, so the status and headers can no longer change. */
    boolean started();
}
