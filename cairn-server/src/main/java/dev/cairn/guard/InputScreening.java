package dev.cairn.guard;

import java.util.Comparator;
import java.util.List;

/**
 * What the input guard decided about a chat request's messages: every verdict (for the audit
 * entry and metrics), the most severe action, and the redactor that made the request's
 * placeholders (null when nothing was scanned), which the answer's guard goes on using. A
 * blocked request names the first blocking category.
 */
public record InputScreening(List<Verdict> verdicts, Action action, Redactor redactor) {

    public static final InputScreening NONE = new InputScreening(List.of(), Action.ALLOW, null);

    public boolean blocked() {
        return action == Action.BLOCK;
    }

    /** The first blocking rule's category; the learned score's only when no rule blocked, since a rule says more. */
    public String blockingCategory() {
        return verdicts.stream().filter(v -> v.action() == Action.BLOCK)
                .min(Comparator.comparing((Verdict v) -> v.finding().category().equals(InjectionScanner.LEARNED))
                        .thenComparingInt(v -> v.finding().span().start()))
                .map(v -> v.finding().category()).orElse(null);
    }
}
