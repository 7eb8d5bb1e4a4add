package dev.cairn.guard;

import java.util.List;

/**
 * What the input guard decided about a chat request's messages: every verdict (for the audit
 * entry and metrics) and the most severe action. A blocked request names the first blocking
 * category.
 */
public record InputScreening(List<Verdict> verdicts, Action action) {

    public static final InputScreening NONE = new InputScreening(List.of(), Action.ALLOW);

    public boolean blocked() {
        return action == Action.BLOCK;
    }

    public String blockingCategory() {
        return verdicts.stream().filter(v -> v.action() == Action.BLOCK).map(v -> v.finding().category()).findFirst().orElse(null);
    }
}
