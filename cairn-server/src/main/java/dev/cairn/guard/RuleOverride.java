package dev.cairn.guard;

/**
 * One scanner's rule as an admin set it for a workspace, on top of the configured one. Either field
 * may be null: that field keeps its configured value, even when the configuration changes later.
 */
public record RuleOverride(Action action, Double threshold) {

    PolicyRule over(PolicyRule under) {
        return new PolicyRule(action == null ? under.action() : action, threshold == null ? under.threshold() : threshold);
    }
}
