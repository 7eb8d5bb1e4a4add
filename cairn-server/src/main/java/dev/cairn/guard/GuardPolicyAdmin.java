package dev.cairn.guard;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.cairn.platform.AdminAction;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Sets and removes workspaces' admin rules: stores them, applies them in this process at once, and
 * records each change in the audit log with the workspace's policy before and after it.
 */
@Service
class GuardPolicyAdmin {

    static final String UPDATED = "admin.guard.policy.updated";
    static final String DELETED = "admin.guard.policy.deleted";

    private final GuardPolicyRepository repository;
    private final StoredPolicyOverrides overrides;
    private final GuardPolicies policies;
    private final ApplicationEventPublisher events;

    GuardPolicyAdmin(GuardPolicyRepository repository, StoredPolicyOverrides overrides, GuardPolicies policies,
                     ApplicationEventPublisher events) {
        this.repository = repository;
        this.overrides = overrides;
        this.policies = policies;
        this.events = events;
    }

    /** Makes {@code rules} the workspace's admin rules; scanners they leave out follow the configuration. */
    EffectivePolicy replace(String workspace, Map<String, RuleOverride> rules, String actorKeyId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the table keeps
        PolicyOverrides.Workspace after = rules.isEmpty() ? null : new PolicyOverrides.Workspace(workspace, rules, now, actorKeyId);
        return change(UPDATED, workspace, rules, after, actorKeyId, now);
    }

    /** Drops the workspace's admin rules, so that the configuration applies again. */
    EffectivePolicy remove(String workspace, String actorKeyId) {
        return change(DELETED, workspace, Map.of(), null, actorKeyId, Instant.now());
    }

    private EffectivePolicy change(String type, String workspace, Map<String, RuleOverride> rules,
                                   PolicyOverrides.Workspace after, String actorKeyId, Instant at) {
        PolicyOverrides.Workspace before = repository.replace(workspace, rules, actorKeyId, at).orElse(null);
        overrides.refresh();
        // Described from what this change stored, not from the snapshot, which may already hold a later change.
        EffectivePolicy then = policies.describe(workspace, before);
        EffectivePolicy now = policies.describe(workspace, after);
        events.publishEvent(new AdminAction(type, workspace, actorKeyId, Map.of(
                "before", PolicyJson.audited(then), "after", PolicyJson.audited(now))));
        return now;
    }
}
