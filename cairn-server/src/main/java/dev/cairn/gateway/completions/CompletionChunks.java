package dev.cairn.gateway.completions;

import java.util.HashSet;
import java.util.Set;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One stream's chat completion chunks rewritten, in order, as the text completion events a legacy
 * client reads: each choice's delta becomes its {@code text}, the usage chunk stays a usage chunk,
 * and an error event goes on as it is (it is already this API's error shape). Holds what the stream
 * needs across chunks: which choices already had the echoed prompt, and one {@code created}.
 */
public final class CompletionChunks {

    private final String echo;
    private final long created;
    private final Set<Integer> echoed = new HashSet<>();
    /** The first event's id, kept for every event: a client joins the stream's events by it. */
    private String id;

    public CompletionChunks(CompletionRequest request, long created) {
        this.echo = request.echo() ? request.prompt() : null;
        this.created = created;
    }

    /**
     * The text completion event for one chat chunk; null when the chunk gives a text completion
     * nothing (the role-only opening, a tool call's arguments).
     */
    public ObjectNode next(ObjectNode chunk) {
        if (chunk.has("error")) {
            return chunk;
        }
        ArrayNode choices = JsonBodies.JSON.createArrayNode();
        int position = 0;
        for (JsonNode choice : chunk.path("choices")) {
            int index = choice.path("index").asInt(position++);
            JsonNode delta = choice.path("delta");
            String text = CompletionAnswer.text(delta.get("content"), delta.get("refusal"));
            String finish = CompletionAnswer.finishReason(choice.get("finish_reason"));
            if (echo != null && echoed.add(index)) {
                text = echo + text;
            }
            if (text.isEmpty() && finish == null) {
                continue;
            }
            ObjectNode out = choices.addObject().put("text", text).put("index", index).putNull("logprobs");
            out.put("finish_reason", finish);
        }
        JsonNode usage = chunk.get("usage");
        boolean hasUsage = usage instanceof ObjectNode;
        if (choices.isEmpty() && !hasUsage) {
            return null;
        }
        ObjectNode event = CompletionAnswer.shell(chunk, created);
        if (id == null) {
            id = event.get("id").stringValue();
        } else {
            event.put("id", id);
        }
        event.set("choices", choices);
        if (hasUsage) {
            event.set("usage", usage);
        }
        return event;
    }
}
