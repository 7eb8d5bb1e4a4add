package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Precedence of the four layers (defaults < cairn.guard.policy < cairn.guard.workspaces.* < admin) and their sources. */
class GuardPolicyLayersTest {

    private final AtomicReference<PolicyOverrides.Snapshot> admin = new AtomicReference<>(new PolicyOverrides.Snapshot(0, Map.of()));
    private final GuardPolicies policies = new GuardPolicies(new Binder(new MapConfigurationPropertySource(Map.of(
            "cairn.guard.policy.pii.action", "redact",
            "cairn.guard.workspaces.lab.injection.action", "flag",
            "cairn.guard.workspaces.lab.pii.threshold", "0.9")))
            .bindOrCreate("cairn.guard", GuardProperties.class), admin::get);

    private void setAdmin(long version, String workspace, Map<String, RuleOverride> rules) {
        admin.set(new PolicyOverrides.Snapshot(version, Map.of(workspace,
                new PolicyOverrides.Workspace(workspace, rules, Instant.EPOCH, "key_admin"))));
    }

    @Test
    void adminRulesOverrideTheWorkspaceConfigurationWhichOverridesTheBaseWhichOverridesTheDefaults() {
        setAdmin(1, "lab", Map.of(
                "injection", new RuleOverride(null, 0.95),
                "secrets", new RuleOverride(Action.BLOCK, null)));

        Map<String, PolicyRule> lab = policies.forWorkspace("lab");
        assertThat(lab.get("injection")).as("action from YAML, threshold from admin").isEqualTo(new PolicyRule(Action.FLAG, 0.95));
        assertThat(lab.get("secrets")).as("action from admin, threshold default").isEqualTo(new PolicyRule(Action.BLOCK, 0.8));
        assertThat(lab.get("pii")).as("action from the base, threshold from the workspace").isEqualTo(new PolicyRule(Action.REDACT, 0.9));
        assertThat(lab.get("unicode")).isEqualTo(GuardPolicies.DEFAULTS.get("unicode"));
        assertThat(policies.forWorkspace("other").get("injection")).isEqualTo(new PolicyRule(Action.BLOCK, 0.7));

        EffectivePolicy described = policies.describe("lab");
        assertThat(described.rules().get("injection").source()).isEqualTo(EffectivePolicy.Source.ADMIN);
        assertThat(described.rules().get("secrets").source()).isEqualTo(EffectivePolicy.Source.ADMIN);
        assertThat(described.rules().get("pii").source()).isEqualTo(EffectivePolicy.Source.CONFIG);
        assertThat(described.rules().get("unicode").source()).isEqualTo(EffectivePolicy.Source.DEFAULT);
        assertThat(described.rules().keySet()).containsExactlyElementsOf(GuardPolicies.RULES);
        assertThat(policies.describeBase().rules().get("pii").source()).isEqualTo(EffectivePolicy.Source.CONFIG);
        assertThat(policies.describeBase().rules().get("injection").source()).isEqualTo(EffectivePolicy.Source.DEFAULT);
        assertThat(policies.workspacesWithRules()).containsExactly("lab");
    }

    @Test
    void aNewSnapshotTakesEffectOnTheNextLookupAndDroppedRulesFallBack() {
        assertThat(policies.forWorkspace("team").get("injection").action()).isEqualTo(Action.BLOCK);
        setAdmin(1, "team", Map.of("injection", new RuleOverride(Action.ALLOW, null)));
        assertThat(policies.forWorkspace("team").get("injection").action()).isEqualTo(Action.ALLOW);
        assertThat(policies.workspacesWithRules()).containsExactly("lab", "team");
        admin.set(new PolicyOverrides.Snapshot(2, Map.of()));
        assertThat(policies.forWorkspace("team").get("injection").action()).isEqualTo(Action.BLOCK);
        assertThat(policies.describe("team").admin()).isNull();
    }

    @Test
    void aStoredRuleForAScannerThisVersionLacksIsIgnored() {
        setAdmin(1, "lab", Map.of("retired", new RuleOverride(Action.BLOCK, 0.1)));
        assertThat(policies.forWorkspace("lab")).doesNotContainKey("retired");
        assertThat(policies.describe("lab").rules()).doesNotContainKey("retired");
    }
}
