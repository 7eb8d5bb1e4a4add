package dev.cairn.guard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.node.ArrayNode;

/**
 * What the input guard decided about a chat request's messages and the memory recalled into its
 * prompt: every verdict with its source (for the audit entry, metrics and the
 * {@value #VERDICTS_HEADER} header), the most severe action, and the redactor that made the
 * request's placeholders (null when nothing was scanned), which the answer's guard goes on using;
 * the messages with redacted text in place of the original, for the provider (null when nothing was
 * redacted, or the request is blocked); and the same for the recalled memory. A blocked request
 * names the first blocking category and where it was found.
 */
public record InputScreening(List<Located> verdicts, Action action, Redactor redactor, ArrayNode redactedMessages,
                             String redactedMemory) {

    /** The input verdicts that did something (not {@code allow}), so a client sees what the guard did where. */
    public static final String VERDICTS_HEADER = "Cairn-Guard-Verdicts";
    /** Enough to tell a client what happened; the audit entry has every verdict. */
    private static final int HEADER_ENTRIES = 16;

    public static final InputScreening NONE = new InputScreening(List.of(), Action.ALLOW, null, null, null);

    public InputScreening {
        verdicts = List.copyOf(verdicts);
    }

    /** A verdict and the text it was found in; its span is within that message's (or part's, or memory's) text. */
    public record Located(InputSource source, Verdict verdict) {
    }

    public boolean blocked() {
        return action == Action.BLOCK;
    }

    /** The first blocking rule's category; the learned score's only when no rule blocked. */
    public String blockingCategory() {
        Located blocking = blocking();
        return blocking == null ? null : blocking.verdict().finding().category();
    }

    /**
     * The verdict that blocked: a rule's before the learned score's (a rule says more), then the
     * earliest source, then the earliest in its text. Null when nothing blocked.
     */
    public Located blocking() {
        Located learned = null;
        for (Located located : verdicts) {
            if (located.verdict().action() == Action.BLOCK) {
                if (!located.verdict().finding().category().equals(InjectionScanner.LEARNED)) {
                    return located;
                }
                learned = learned == null ? located : learned;
            }
        }
        return learned;
    }

    /**
     * This screening with the recalled memory's verdicts added: their action counts toward the
     * request's, and the memory's redacted text (null: unchanged, or blocked) is for the provider.
     */
    InputScreening withMemory(List<Verdict> memoryVerdicts, Action memoryAction, Redactor redactor, String redactedMemory) {
        if (memoryVerdicts.isEmpty()) {
            return this;
        }
        List<Located> all = new ArrayList<>(verdicts);
        memoryVerdicts.forEach(v -> all.add(new Located(InputSource.MEMORY, v)));
        Action overall = action.atLeast(memoryAction);
        return new InputScreening(all, overall, redactor,
                overall == Action.BLOCK ? null : redactedMessages, overall == Action.BLOCK ? null : redactedMemory);
    }

    /**
     * The {@value #VERDICTS_HEADER} value: each distinct action, scanner, category and source that did
     * something, e.g. {@code flag injection/instruction_override messages[3] (tool)}, comma-separated;
     * null when every verdict allowed.
     */
    public String header() {
        Set<String> entries = new LinkedHashSet<>();
        for (Located located : verdicts) {
            Verdict v = located.verdict();
            if (v.action() != Action.ALLOW && entries.size() < HEADER_ENTRIES) {
                entries.add(v.action().wireName() + " " + v.finding().scanner() + "/" + v.finding().category() + " "
                        + located.source().where());
            }
        }
        return entries.isEmpty() ? null : String.join(", ", entries);
    }
}
