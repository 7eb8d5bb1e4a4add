package dev.cairn.gateway;

import dev.cairn.guard.GuardException;
import dev.cairn.guard.OutputScreen;
import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** An answer that was not streamed, through the answer's guard: each choice's content screened, then restored for the caller. */
final class ScreenedAnswer {

    private ScreenedAnswer() {
    }

    /** The body the client gets; throws {@link GuardException} when the guard blocks the answer. */
    static byte[] screen(byte[] body, OutputScreen screen, String requestId) {
        JsonNode answer;
        try {
            answer = JsonBodies.JSON.readTree(body);
        } catch (JacksonException e) {
            return body; // not JSON: nothing the guard can read, and the provider already vouched for it
        }
        boolean changed = false;
        for (JsonNode choice : answer.path("choices")) {
            JsonNode content = choice.path("message").get("content");
            if (content == null || !content.isString()) {
                continue;
            }
            String screened = screen.restore(screen.screen(choice.path("index").asInt(0), content.stringValue()));
            if (!screened.equals(content.stringValue())) {
                ((ObjectNode) choice.get("message")).put("content", screened);
                changed = true;
            }
        }
        if (screen.blocked()) {
            throw GuardException.answerBlocked(screen.blockingCategory(), requestId);
        }
        return changed ? JsonBodies.JSON.writeValueAsBytes(answer) : body;
    }
}
