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
 * workspace's policy. Redacted text replaces the original in a new messages array, which the
 * screening returns; the request stays as the client sent it, for the audit entry. Blocking is the
 * pipeline's to do, with the verdicts in hand.
 */
@Component
public class InputGuard {

    private final Guard guard;

    public InputGuard(Guard guard) {
        this.guard = guard;
    }

    public InputScreening screen(String workspace, JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            return InputScreening.NONE;
        }
        Screen screen = new Screen(workspace);
        ArrayNode screened = JsonBodies.JSON.createArrayNode();
        boolean changed = false;
        for (JsonNode message : messages) {
            String role = message.path("role").asString("");
            JsonNode content = message.get("content");
            JsonNode newContent = role.equals("user") || role.equals("tool") ? screenContent(screen, content) : content;
            if (newContent != content) {
                ObjectNode copy = ((ObjectNode) message).deepCopy();
                copy.set("content", newContent);
                screened.add(copy);
                changed = true;
            } else {
                screened.add(message);
            }
        }
        return new InputScreening(List.copyOf(screen.verdicts), screen.action, screen.redactor,
                changed && screen.action != Action.BLOCK ? screened : null);
    }

    /** The content with redactions applied, or the same node when nothing in it changed. */
    private JsonNode screenContent(Screen screen, JsonNode content) {
        if (content != null && content.isString()) {
            String redacted = screen.text(content.stringValue());
            return redacted.equals(content.stringValue()) ? content : JsonBodies.JSON.getNodeFactory().stringNode(redacted);
        }
        if (content == null || !content.isArray()) {
            return content;
        }
        ArrayNode parts = JsonBodies.JSON.createArrayNode();
        boolean changed = false;
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asString("")) && part.path("text").isString()) {
                String text = part.get("text").stringValue();
                String redacted = screen.text(text);
                if (!redacted.equals(text)) {
                    parts.add(((ObjectNode) part).deepCopy().put("text", redacted));
                    changed = true;
                    continue;
                }
            }
            parts.add(part);
        }
        return changed ? parts : content;
    }

    /** One request's scan: its verdicts, the most severe action, and one redactor for all its texts. */
    private final class Screen {
        final String workspace;
        final Redactor redactor = new Redactor();
        final List<Verdict> verdicts = new ArrayList<>();
        Action action = Action.ALLOW;

        Screen(String workspace) {
            this.workspace = workspace;
        }

        String text(String text) {
            GuardResult result = guard.scan(workspace, text, Scanner.Direction.INPUT, redactor);
            verdicts.addAll(result.verdicts());
            action = action.atLeast(result.action());
            return result.redactedText();
        }
    }
}
