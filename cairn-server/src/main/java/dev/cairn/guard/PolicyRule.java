package dev.cairn.guard;

/** A scanner's action on findings that score at least {@code threshold}; weaker findings are allowed. */
public record PolicyRule(Action action, double threshold) {

    public Action actionFor(Finding finding) {
        return finding.score() >= threshold ? action : Action.ALLOW;
    }
}
