package dev.cairn.guard;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.cairn.platform.CairnProperties;
import org.springframework.stereotype.Component;

/**
 * Each workspace's guard policy: Cairn's defaults, overridden by {@code cairn.guard.policy}, then
 * by {@code cairn.guard.workspaces.<name>}, scanner by scanner. Checked at start, so a typo in an
 * action or a threshold outside [0, 1] stops Cairn rather than weakening a policy quietly.
 */
@Component
public class GuardPolicies {

    /**
     * Secure by default: injections and secrets are the findings that cost most when they pass
     * (an obeyed instruction, a leaked key), so they are blocked and redacted; PII and hidden
     * Unicode are flagged for the record, since they are often legitimate. The canary changes the
     * system prompt, so it is planted only where a policy asks for it.
     */
    static final Map<String, PolicyRule> DEFAULTS = Map.of(
            Canary.SCANNER, new PolicyRule(Action.ALLOW, 1.0),
            InjectionScanner.NAME, new PolicyRule(Action.BLOCK, 0.7),
            SecretScanner.NAME, new PolicyRule(Action.REDACT, 0.8),
            PiiScanner.NAME, new PolicyRule(Action.FLAG, 0.8),
            UnicodeScanner.NAME, new PolicyRule(Action.FLAG, 0.7));

    private final Map<String, PolicyRule> base;
    private final Map<String, Map<String, PolicyRule>> byWorkspace = new LinkedHashMap<>();

    public GuardPolicies(CairnProperties properties) {
        CairnProperties.Guard config = properties.guard();
        this.base = merge(DEFAULTS, config.policy(), "cairn.guard.policy");
        config.workspaces().forEach((workspace, rules) ->
                byWorkspace.put(workspace, merge(base, rules, "cairn.guard.workspaces." + workspace)));
    }

    public Map<String, PolicyRule> forWorkspace(String workspace) {
        return byWorkspace.getOrDefault(workspace, base);
    }

    private static Map<String, PolicyRule> merge(Map<String, PolicyRule> under, Map<String, CairnProperties.Guard.GuardRule> over,
                                                 String where) {
        Map<String, PolicyRule> merged = new LinkedHashMap<>(under);
        over.forEach((scanner, rule) -> {
            PolicyRule current = under.get(scanner);
            if (current == null) {
                throw new IllegalStateException(where + "." + scanner + ": no such scanner; use " + String.join(", ", DEFAULTS.keySet()));
            }
            Action action = rule.action() == null ? current.action() : Action.parse(rule.action(), where + "." + scanner + ".action");
            double threshold = rule.threshold() == null ? current.threshold() : rule.threshold();
            if (threshold < 0 || threshold > 1) {
                throw new IllegalStateException(where + "." + scanner + ".threshold must be within [0, 1], not " + threshold);
            }
            merged.put(scanner, new PolicyRule(action, threshold));
        });
        return Map.copyOf(merged);
    }
}
