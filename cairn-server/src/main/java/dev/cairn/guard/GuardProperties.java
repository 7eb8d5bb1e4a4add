package dev.cairn.guard;

import java.util.Map;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Guardrail policy ({@code cairn.guard}): for each scanner ({@code injection}, {@code unicode},
 * {@code pii}, {@code secrets}, {@code canary}) the action taken on findings scoring at least its
 * threshold. {@code policy} applies to every workspace; {@code workspaces.<name>} overrides it
 * scanner by scanner. {@code restore} puts the caller's redacted values back in answers;
 * {@code learned-scoring} adds the trained injection model to the injection rules,
 * {@code semantic-scoring} (opt-in) its second stage over sentence embeddings, run on
 * {@code semantic-threads} threads of its own. Scanner names, actions and thresholds are checked by
 * {@link GuardPolicies}, which knows the scanners.
 */
@ConfigurationProperties("cairn.guard")
public record GuardProperties(Map<String, GuardRule> policy,
                              Map<String, Map<String, GuardRule>> workspaces,
                              @DefaultValue("false") boolean restore,
                              @DefaultValue("true") boolean learnedScoring,
                              @DefaultValue("false") boolean semanticScoring,
                              @DefaultValue("1") int semanticThreads) {

    public GuardProperties {
        policy = policy == null ? Map.of() : Map.copyOf(policy);
        workspaces = workspaces == null ? Map.of() : Map.copyOf(workspaces);
        Settings.atLeast("cairn.guard.semantic-threads", semanticThreads, 1);
    }

    /** One scanner's action ({@code allow}, {@code flag}, {@code redact}, {@code block}) and threshold (0–1). */
    public record GuardRule(String action, Double threshold) {
    }
}
