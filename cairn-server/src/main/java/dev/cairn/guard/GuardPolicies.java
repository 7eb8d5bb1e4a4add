package dev.cairn.guard;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.cairn.platform.InvalidConfigurationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Each workspace's guard policy: Cairn's defaults, overridden by {@code cairn.guard.policy}, then
 * by {@code cairn.guard.workspaces.<name>}, then by the rules an admin set through the API
 * ({@link PolicyOverrides}), scanner by scanner. The configuration is checked at start, so a typo in
 * an action or a threshold outside [0, 1] stops Cairn rather than weakening a policy quietly.
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
    private final GuardProperties config;
    private final PolicyOverrides overrides;
    /** The admin layer merged over the configured policies for one snapshot; redone when the snapshot changes. */
    private volatile Merged merged = new Merged(null, Map.of());

    private record Merged(PolicyOverrides.Snapshot snapshot, Map<String, Map<String, PolicyRule>> byWorkspace) {
    }

    /** The configured policies alone, without an admin layer (tests, benchmarks). */
    public GuardPolicies(GuardProperties config) {
        this(config, PolicyOverrides.NONE);
    }

    @Autowired
    public GuardPolicies(GuardProperties config, PolicyOverrides overrides) {
        this.config = config;
        this.overrides = overrides;
        this.base = merge(DEFAULTS, config.policy(), "cairn.guard.policy");
        config.workspaces().forEach((workspace, rules) ->
                byWorkspace.put(workspace, merge(base, rules, "cairn.guard.workspaces." + workspace)));
    }

    /** The rule of each scanner for this workspace; on the hot path, so it reads memory only. */
    public Map<String, PolicyRule> forWorkspace(String workspace) {
        Map<String, PolicyRule> admin = merged().byWorkspace().get(workspace);
        return admin != null ? admin : configured(workspace);
    }

    /** The workspace's policy as it applies now, each rule with the layer it comes from. */
    public EffectivePolicy describe(String workspace) {
        return describe(workspace, overrides.current().workspaces().get(workspace));
    }

    /** The same with these admin rules (null: none) in place of the current ones: the policy before or after a change. */
    EffectivePolicy describe(String workspace, PolicyOverrides.Workspace admin) {
        Map<String, GuardProperties.GuardRule> own = config.workspaces().getOrDefault(workspace, Map.of());
        Map<String, EffectivePolicy.Rule> rules = new HashMap<>();
        configured(workspace).forEach((scanner, rule) -> {
            RuleOverride override = admin == null ? null : admin.rules().get(scanner);
            EffectivePolicy.Source source = override != null ? EffectivePolicy.Source.ADMIN
                    : own.containsKey(scanner) || config.policy().containsKey(scanner) ? EffectivePolicy.Source.CONFIG
                    : EffectivePolicy.Source.DEFAULT;
            rules.put(scanner, new EffectivePolicy.Rule(override == null ? rule : override.over(rule), source));
        });
        return new EffectivePolicy(workspace, rules, admin);
    }

    /** The policy of every workspace without rules of its own. */
    public EffectivePolicy describeBase() {
        Map<String, EffectivePolicy.Rule> rules = new HashMap<>();
        base.forEach((scanner, rule) -> rules.put(scanner, new EffectivePolicy.Rule(rule,
                config.policy().containsKey(scanner) ? EffectivePolicy.Source.CONFIG : EffectivePolicy.Source.DEFAULT)));
        return new EffectivePolicy(null, rules, null);
    }

    /** The workspaces with rules of their own, configured or set by an admin, in name order. */
    public SortedSet<String> workspacesWithRules() {
        SortedSet<String> names = new TreeSet<>(config.workspaces().keySet());
        names.addAll(overrides.current().workspaces().keySet());
        return names;
    }

    private Map<String, PolicyRule> configured(String workspace) {
        return byWorkspace.getOrDefault(workspace, base);
    }

    private Merged merged() {
        PolicyOverrides.Snapshot snapshot = overrides.current();
        Merged current = merged;
        if (current.snapshot() == snapshot) {
            return current;
        }
        Map<String, Map<String, PolicyRule>> rules = new HashMap<>();
        snapshot.workspaces().forEach((workspace, admin) -> {
            Map<String, PolicyRule> policy = new HashMap<>(configured(workspace));
            // A stored rule for a scanner this version lacks (one was renamed or removed) has nothing to apply to.
            admin.rules().forEach((scanner, override) -> policy.computeIfPresent(scanner, (name, rule) -> override.over(rule)));
            rules.put(workspace, Map.copyOf(policy));
        });
        // Two threads may merge the same snapshot at once; both results are equal, either may stay.
        Merged next = new Merged(snapshot, Map.copyOf(rules));
        merged = next;
        return next;
    }

    private static Map<String, PolicyRule> merge(Map<String, PolicyRule> under, Map<String, GuardProperties.GuardRule> over,
                                                 String where) {
        Map<String, PolicyRule> merged = new LinkedHashMap<>(under);
        over.forEach((scanner, rule) -> {
            PolicyRule current = under.get(scanner);
            if (current == null) {
                throw new InvalidConfigurationException(where + "." + scanner + ": no such scanner; use " + String.join(", ", DEFAULTS.keySet()));
            }
            Action action = rule.action() == null ? current.action() : Action.parse(rule.action(), where + "." + scanner + ".action");
            double threshold = rule.threshold() == null ? current.threshold() : rule.threshold();
            if (threshold < 0 || threshold > 1) {
                throw new InvalidConfigurationException(where + "." + scanner + ".threshold must be within [0, 1], not " + threshold);
            }
            merged.put(scanner, new PolicyRule(action, threshold));
        });
        return Map.copyOf(merged);
    }
}
