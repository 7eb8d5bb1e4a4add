package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Policies: defaults, then cairn.guard.policy, then per workspace; mistakes stop the start. */
class GuardPoliciesTest {

    private static GuardPolicies policies(Map<String, String> config) {
        return new GuardPolicies(new Binder(new MapConfigurationPropertySource(config)).bindOrCreate("cairn.guard", GuardProperties.class));
    }

    @Test
    void workspaceRulesOverrideTheGlobalPolicyWhichOverridesTheDefaults() {
        GuardPolicies policies = policies(Map.of(
                "cairn.guard.policy.pii.action", "redact",
                "cairn.guard.workspaces.lab.injection.action", "flag",
                "cairn.guard.workspaces.lab.injection.threshold", "0.9"));
        assertThat(policies.forWorkspace("any").get("pii")).isEqualTo(new PolicyRule(Action.REDACT, 0.8));
        assertThat(policies.forWorkspace("any").get("injection")).isEqualTo(new PolicyRule(Action.BLOCK, 0.7));
        assertThat(policies.forWorkspace("lab").get("injection")).isEqualTo(new PolicyRule(Action.FLAG, 0.9));
        assertThat(policies.forWorkspace("lab").get("pii")).isEqualTo(new PolicyRule(Action.REDACT, 0.8));
    }

    @Test
    void unknownScannersActionsAndThresholdsStopTheStart() {
        assertThatThrownBy(() -> policies(Map.of("cairn.guard.policy.pi.action", "block")))
                .hasMessageContaining("cairn.guard.policy.pi").hasMessageContaining("no such scanner");
        assertThatThrownBy(() -> policies(Map.of("cairn.guard.policy.pii.action", "shred")))
                .hasMessageContaining("'shred' is not an action");
        assertThatThrownBy(() -> policies(Map.of("cairn.guard.workspaces.x.secrets.threshold", "1.5")))
                .hasMessageContaining("cairn.guard.workspaces.x.secrets.threshold must be within [0, 1]");
    }
}
