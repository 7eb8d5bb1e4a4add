package dev.cairn.guard;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A workspace's guard policy as it applies, each scanner's rule with the layer it comes from, and
 * the admin rules behind it ({@code admin} is null when there are none, and for the base policy,
 * whose {@code workspace} is null).
 */
public record EffectivePolicy(String workspace, Map<String, Rule> rules, PolicyOverrides.Workspace admin) {

    /** Rules in scanner name order, so listings and audit records read the same every time. */
    public EffectivePolicy {
        rules = Collections.unmodifiableMap(new TreeMap<>(rules));
    }

    /** Where a rule comes from: Cairn's defaults, the configuration ({@code cairn.guard.*}), or the admin API. */
    public enum Source {
        DEFAULT, CONFIG, ADMIN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A scanner's rule and the highest layer that set any of its fields. */
    public record Rule(PolicyRule rule, Source source) {
    }
}
