package dev.cairn.guard;

import java.util.Collections;
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
 *
 * <p>Beside the scanners' rules a policy has the {@value #INDIRECT} rule: the action and threshold
 * for injection findings in indirect sources (tool results, documents, recalled memory), layered the
 * same way. A field of it that no layer sets follows the workspace's {@code injection} rule, so a
 * policy written before the rule existed judges tool results as it always did.
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

    /** The rule for injection findings in indirect sources; not a scanner, so not in {@link #DEFAULTS}. */
    public static final String INDIRECT = "indirect";

    /** Every rule a policy has, by name: the scanners' and {@value #INDIRECT}. */
    static final SortedSet<String> RULES;

    static {
        SortedSet<String> names = new TreeSet<>(DEFAULTS.keySet());
        names.add(INDIRECT);
        RULES = Collections.unmodifiableSortedSet(names);
    }

    private final Map<String, PolicyRule> base;
    private final Map<String, Map<String, PolicyRule>> byWorkspace = new LinkedHashMap<>();
    /** What the configuration sets of the {@value #INDIRECT} rule, for the base and each configured workspace. */
    private final RuleOverride baseIndirect;
    private final Map<String, RuleOverride> indirectByWorkspace = new HashMap<>();
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
        this.baseIndirect = indirect(config.policy(), "cairn.guard.policy");
        Map<String, PolicyRule> scanners = merge(DEFAULTS, config.policy(), "cairn.guard.policy");
        this.base = withIndirect(scanners, baseIndirect);
        config.workspaces().forEach((workspace, rules) -> {
            String where = "cairn.guard.workspaces." + workspace;
            RuleOverride indirect = baseIndirect.then(indirect(rules, where));
            indirectByWorkspace.put(workspace, indirect);
            byWorkspace.put(workspace, withIndirect(merge(scanners, rules, where), indirect));
        });
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
        withAdmin(workspace, admin).forEach((scanner, rule) -> {
            boolean byAdmin = admin != null && admin.rules().containsKey(scanner);
            EffectivePolicy.Source source = byAdmin ? EffectivePolicy.Source.ADMIN
                    : own.containsKey(scanner) || config.policy().containsKey(scanner) ? EffectivePolicy.Source.CONFIG
                    : EffectivePolicy.Source.DEFAULT;
            rules.put(scanner, new EffectivePolicy.Rule(rule, source));
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
        snapshot.workspaces().forEach((workspace, admin) -> rules.put(workspace, withAdmin(workspace, admin)));
        // Two threads may merge the same snapshot at once; both results are equal, either may stay.
        Merged next = new Merged(snapshot, Map.copyOf(rules));
        merged = next;
        return next;
    }

    /** The workspace's configured rules with these admin rules (null: none) on top. */
    private Map<String, PolicyRule> withAdmin(String workspace, PolicyOverrides.Workspace admin) {
        if (admin == null) {
            return configured(workspace);
        }
        Map<String, PolicyRule> policy = new HashMap<>(configured(workspace));
        // A stored rule for a scanner this version lacks (one was renamed or removed) has nothing to apply to.
        admin.rules().forEach((scanner, override) -> policy.computeIfPresent(scanner, (name, rule) -> override.over(rule)));
        // Resolved again, not overridden: a field of it no layer sets follows the injection rule as the admin left it.
        RuleOverride indirect = indirectByWorkspace.getOrDefault(workspace, baseIndirect)
                .then(admin.rules().getOrDefault(INDIRECT, RuleOverride.NONE));
        return withIndirect(policy, indirect);
    }

    /** The scanners' rules and the {@value #INDIRECT} rule, whose unset fields are the injection rule's. */
    private static Map<String, PolicyRule> withIndirect(Map<String, PolicyRule> scanners, RuleOverride indirect) {
        Map<String, PolicyRule> rules = new HashMap<>(scanners);
        rules.put(INDIRECT, indirect.over(scanners.get(InjectionScanner.NAME)));
        return Map.copyOf(rules);
    }

    /** What one configuration layer sets of the {@value #INDIRECT} rule, checked like a scanner's rule. */
    private static RuleOverride indirect(Map<String, GuardProperties.GuardRule> layer, String where) {
        GuardProperties.GuardRule rule = layer.get(INDIRECT);
        if (rule == null) {
            return RuleOverride.NONE;
        }
        Action action = rule.action() == null ? null : Action.parse(rule.action(), where + "." + INDIRECT + ".action");
        if (rule.threshold() != null && (rule.threshold() < 0 || rule.threshold() > 1)) {
            throw new InvalidConfigurationException(where + "." + INDIRECT + ".threshold must be within [0, 1], not " + rule.threshold());
        }
        return new RuleOverride(action, rule.threshold());
    }

    private static Map<String, PolicyRule> merge(Map<String, PolicyRule> under, Map<String, GuardProperties.GuardRule> over,
                                                 String where) {
        Map<String, PolicyRule> merged = new LinkedHashMap<>(under);
        over.forEach((scanner, rule) -> {
            if (scanner.equals(INDIRECT)) {
                return; // resolved by withIndirect, over the injection rule this merge produces
            }
            PolicyRule current = under.get(scanner);
            if (current == null) {
                throw new InvalidConfigurationException(where + "." + scanner + ": no such scanner; use " + String.join(", ", RULES));
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
