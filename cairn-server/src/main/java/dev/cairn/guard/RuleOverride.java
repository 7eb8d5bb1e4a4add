package dev.cairn.guard;

/**
 * One scanner's rule as an admin set it for a workspace, on top of the configured one. Either field
 * may be null: that field keeps its configured value, even when the configuration changes later.
 */
public record RuleOverride(Action action, Double threshold) {

    /** Sets nothing: every field keeps the value under it. */
    static final RuleOverride NONE = new RuleOverride(null, null);

    PolicyRule over(PolicyRule under) {
        return new PolicyRule(action == null ? under.action() : action, threshold == null ? under.threshold() : threshold);
    }

    /** This layer with {@code over} on top, field by field, still partial. */
    RuleOverride then(RuleOverride over) {
        return new RuleOverride(over.action() != null ? over.action() : action, over.threshold() != null ? over.threshold() : threshold);
    }

    boolean setsAnything() {
        return action != null || threshold != null;
    }
}
