package dev.cairn.guard;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;

/**
 * What the input guard decided about a chat request's messages: every verdict (for the audit
 * entry and metrics), the most severe action, and the redactor that made the request's
 * placeholders (null when nothing was scanned), which the answer's guard goes on using; and the
 * messages with redacted text in place of the original, for the provider (null when nothing was
 * redacted, or the request is blocked). A blocked request names the first blocking category.
 */
public record InputScreening(List<Verdict> verdicts, Action action, Redactor redactor, ArrayNode redactedMessages) {

    public static final InputScreening NONE = new InputScreening(List.of(), Action.ALLOW, null, null);

    public boolean blocked() {
        return action == Action.BLOCK;
    }

    /** The first blocking rule's category; the learned score's only when no rule blocked. */
    public String blockingCategory() {
        return Verdict.blockingCategory(verdicts);
    }
}
