package dev.cairn.gateway;

import dev.cairn.guard.InputScreening;
import dev.cairn.guard.OutputScreen;
import dev.cairn.memory.Recollection;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body a provider gets, built in one place from the request as the client sent it and what the
 * steps before the call returned: the guard's redacted messages, the memory recalled into the
 * prompt (redacted when the guard redacted it), the answer guard's canary, the upstream's own model name and, for a stream, the request
 * for a usage chunk; without {@code models}, the fallbacks Cairn itself tries. A new top-level object; the client's body and every node shared with it stay
 * as they were, so the audit entry records the request as it came.
 */
final class UpstreamBody {

    private UpstreamBody() {
    }

    static ObjectNode chat(ChatRequest chat, InputScreening screening, Recollection recollection, OutputScreen output,
                           Route route) {
        ObjectNode body = topLevelCopy(chat.body());
        ArrayNode messages = screening.redactedMessages() != null ? screening.redactedMessages()
                : (ArrayNode) chat.body().get("messages");
        if (recollection.message() != null) {
            messages = withSystemMessage(messages, screening.redactedMemory() != null ? screening.redactedMemory() : recollection.message());
        }
        if (output != null && output.canary() != null) {
            messages = output.canary().plantedIn(messages);
        }
        body.set("messages", messages);
        body.put("model", route.upstreamModel());
        // Cairn falls back itself: an upstream would refuse the field, or fall back past Cairn's routing.
        body.remove("models");
        if (chat.stream()) {
            // Always ask for a usage chunk so the ledger has token counts; StreamUsage hides it again
            // from clients that did not ask.
            JsonNode options = chat.body().get("stream_options");
            ObjectNode copy = options instanceof ObjectNode object ? object.deepCopy() : body.objectNode();
            body.set("stream_options", copy.put("include_usage", true));
        }
        return body;
    }

    static ObjectNode embeddings(EmbeddingsRequest embeddings, Route route) {
        ObjectNode body = topLevelCopy(embeddings.body());
        body.put("model", route.upstreamModel());
        return body;
    }

    /** A new object holding the same member nodes: members are replaced in it, never changed. */
    private static ObjectNode topLevelCopy(ObjectNode original) {
        ObjectNode copy = JsonBodies.JSON.createObjectNode();
        copy.setAll(original);
        return copy;
    }

    /**
     * A new messages array with the memory after the leading system (or developer) messages, so
     * the client's own instructions stay first.
     */
    private static ArrayNode withSystemMessage(ArrayNode messages, String text) {
        ArrayNode out = JsonBodies.JSON.createArrayNode();
        boolean inserted = false;
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            if (!inserted && !role.equals("system") && !role.equals("developer")) {
                out.addObject().put("role", "system").put("content", text);
                inserted = true;
            }
            out.add(message);
        }
        if (!inserted) {
            out.addObject().put("role", "system").put("content", text);
        }
        return out;
    }
}
