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
 * changed loses its token log-probabilities, which would tell what was redacted. The provider's
 * answer stays as it came, for the audit entry: a change is made to a copy, taken at the first one.
 */
final class ScreenedAnswer {

    private final JsonNode original;
    private final OutputScreen screen;
    private JsonNode copy;

    private ScreenedAnswer(JsonNode original, OutputScreen screen) {
        this.original = original;
        this.screen = screen;
    }

    /**
     * The body the client gets: the provider's own bytes when the guard changed nothing, else the
     * changed copy written out. Throws {@link GuardException} when the guard blocks the answer.
     */
    static byte[] screen(ProviderResult result, OutputScreen screen, String requestId) {
        if (result.tree() == null) {
            return result.body(); // not JSON: nothing the guard can read, and the provider already vouched for it
        }
        ScreenedAnswer answer = new ScreenedAnswer(result.tree(), screen);
        answer.screenChoices();
        if (screen.blocked()) {
            throw GuardException.answerBlocked(screen.blockingCategory(), requestId);
        }
        return answer.copy == null ? result.body() : JsonBodies.JSON.writeValueAsBytes(answer.copy);
    }

    private void screenChoices() {
        JsonNode choices = original.path("choices");
        for (int c = 0; c < choices.size(); c++) {
            JsonNode choice = choices.get(c);
            int index = choice.path("index").asInt(0);
            if (!(choice.get("message") instanceof ObjectNode message)) {
                continue;
            }
            String content = screened(message, "content", Part.content(index));
            if (content != null) {
                ObjectNode copied = copied(c);
                ((ObjectNode) copied.get("message")).put("content", content);
                if (copied.hasNonNull("logprobs")) {
                    copied.putNull("logprobs");
                }
            }
            String refusal = screened(message, "refusal", Part.refusal(index));
            if (refusal != null) {
                ((ObjectNode) copied(c).get("message")).put("refusal", refusal);
            }
            JsonNode calls = message.path("tool_calls");
            for (int call = 0; call < calls.size(); call++) {
                if (calls.get(call).get("function") instanceof ObjectNode function) {
                    String arguments = screened(function, "arguments", Part.toolArguments(index, call));
                    if (arguments != null) {
                        ((ObjectNode) copied(c).get("message").get("tool_calls").get(call).get("function")).put("arguments", arguments);
                    }
                }
            }
        }
    }

    /** One text field screened and restored; null when it is not text or did not change. */
    private String screened(ObjectNode holder, String field, Part part) {
        JsonNode value = holder.get(field);
        if (value == null || !value.isString()) {
            return null;
        }
        String screened = screen.restore(screen.screen(part, value.stringValue()));
        return screened.equals(value.stringValue()) ? null : screened;
    }

    /** The copy's choice at {@code position}, the whole answer copied at the first change. */
    private ObjectNode copied(int position) {
        if (copy == null) {
            copy = original.deepCopy();
        }
        return (ObjectNode) copy.get("choices").get(position);
    }
}
