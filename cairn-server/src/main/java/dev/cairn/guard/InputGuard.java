package dev.cairn.guard;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The guard's step in the chat pipeline: scans what users and tools put in the messages (the
 * client's own system and developer messages are its instructions, not an attack) under the
 * workspace's policy. Redacted text replaces the original in a new messages array, so the audit
 * entry keeps what the client sent; blocking is the pipeline's to do, with the verdicts in hand.
 */
@Component
public class InputGuard {

    private final Guard guard;

    public InputGuard(Guard guard) {
        this.guard = guard;
    }

    public InputScreening screen(String workspace, ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            return InputScreening.NONE;
        }
        Redactor redactor = new Redactor();
        List<Verdict> verdicts = new ArrayList<>();
        Action overall = Action.ALLOW;
        ArrayNode screened = JsonBodies.JSON.createArrayNode();
        boolean changed = false;
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            if (!role.equals("user") && !role.equals("tool")) {
                screened.add(message);
                continue;
            }
            JsonNode content = message.get("content");
            ObjectNode copy = null;
            if (content != null && content.isString()) {
                GuardResult result = guard.scan(workspace, content.stringValue(), Scanner.Direction.INPUT, redactor);
                verdicts.addAll(result.verdicts());
                overall = overall.atLeast(result.action());
                if (!result.redactedText().equals(content.stringValue())) {
                    copy = ((ObjectNode) message).deepCopy();
                    copy.put("content", result.redactedText());
                }
            } else if (content != null && content.isArray()) {
                ArrayNode parts = JsonBodies.JSON.createArrayNode();
                boolean partChanged = false;
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asString("")) && part.path("text").isString()) {
                        GuardResult result = guard.scan(workspace, part.get("text").stringValue(), Scanner.Direction.INPUT, redactor);
                        verdicts.addAll(result.verdicts());
                        overall = overall.atLeast(result.action());
                        if (!result.redactedText().equals(part.get("text").stringValue())) {
                            parts.add(((ObjectNode) part).deepCopy().put("text", result.redactedText()));
                            partChanged = true;
                            continue;
                        }
                    }
                    parts.add(part);
                }
                if (partChanged) {
                    copy = ((ObjectNode) message).deepCopy();
                    copy.set("content", parts);
                }
            }
            screened.add(copy != null ? copy : message);
            changed |= copy != null;
        }
        if (changed && overall != Action.BLOCK) {
            body.set("messages", screened);
        }
        return new InputScreening(List.copyOf(verdicts), overall);
    }
}
