package dev.cairn.gateway;

import dev.cairn.guard.GuardException;
import dev.cairn.guard.OutputScreen;
import dev.cairn.guard.OutputScreen.Part;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An answer that was not streamed, through the answer's guard: each choice's content, refusal and
 * tool call arguments screened, then restored for the caller. A choice whose content the guard
 * changed loses its token log-probabilities, which would tell what was redacted.
 */
final class ScreenedAnswer {

    private ScreenedAnswer() {
    }

    /**
     * The body the client gets: {@code body} itself when the guard changed nothing, else {@code answer}
     * (the body parsed, changed in place) written out again. Throws {@link GuardException} when the
     * guard blocks the answer.
     */
    static byte[] screen(byte[] body, JsonNode answer, OutputScreen screen, String requestId) {
        if (answer == null) {
            return body; // not JSON: nothing the guard can read, and the provider already vouched for it
        }
        boolean changed = false;
        for (JsonNode choice : answer.path("choices")) {
            int index = choice.path("index").asInt(0);
            if (!(choice.get("message") instanceof ObjectNode message)) {
                continue;
            }
            boolean contentChanged = screenField(message, "content", Part.content(index), screen);
            if (contentChanged && choice.hasNonNull("logprobs")) {
                ((ObjectNode) choice).putNull("logprobs");
            }
            changed |= contentChanged;
            changed |= screenField(message, "refusal", Part.refusal(index), screen);
            int call = 0;
            for (JsonNode toolCall : message.path("tool_calls")) {
                if (toolCall.get("function") instanceof ObjectNode function) {
                    changed |= screenField(function, "arguments", Part.toolArguments(index, call), screen);
                }
                call++;
            }
        }
        if (screen.blocked()) {
            throw GuardException.answerBlocked(screen.blockingCategory(), requestId);
        }
        return changed ? JsonBodies.JSON.writeValueAsBytes(answer) : body;
    }

    /** Screens and restores one text field in place; whether it changed. */
    private static boolean screenField(ObjectNode holder, String field, Part part, OutputScreen screen) {
        JsonNode value = holder.get(field);
        if (value == null || !value.isString()) {
            return false;
        }
        String screened = screen.restore(screen.screen(part, value.stringValue()));
        if (screened.equals(value.stringValue())) {
            return false;
        }
        holder.put(field, screened);
        return true;
    }
}
