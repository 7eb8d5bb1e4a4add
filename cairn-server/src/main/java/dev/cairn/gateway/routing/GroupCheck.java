package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.Settings;

/**
 * Checks a whole set of model groups: each deployment names a configured provider, weights are
 * above 0 and tiers 1 or more, every fallback is a group or routes on its own, and no chain of
 * fallbacks (of any trigger) comes back to where it started. A failure names the key:
 * {@code cairn.models.smart.deployments[1].weight} for YAML, {@code smart.deployments[1].weight}
 * for the admin API.
 */
final class GroupCheck {

    private GroupCheck() {
    }

    /**
     * Throws {@link InvalidConfigurationException} naming the first bad key under {@code prefix};
     * {@code routable} says whether a name that is not a group routes to a provider.
     */
    static void check(String prefix, Map<String, RoutingProperties.GroupSpec> groups, Predicate<String> routable) {
        for (Map.Entry<String, RoutingProperties.GroupSpec> entry : groups.entrySet()) {
            checkGroup(prefix + entry.getKey(), entry.getKey(), entry.getValue(), groups, routable);
        }
        List<String> cycle = cycle(groups);
        if (cycle != null) {
            throw Settings.invalid(prefix + cycle.getFirst() + ".fallbacks",
                    "makes a fallback cycle: " + String.join(" -> ", cycle));
        }
    }

    private static void checkGroup(String key, String name, RoutingProperties.GroupSpec group,
                                   Map<String, RoutingProperties.GroupSpec> groups, Predicate<String> routable) {
        if (name.isBlank() || name.contains("/") || name.contains(",") || !name.strip().equals(name)) {
            throw Settings.invalid(key, "is not a valid group name: it must not be blank, nor contain '/' or ',',"
                    + " nor start or end with a space ('/' is for <provider>/<model>)");
        }
        if (group.deployments().isEmpty()) {
            throw Settings.invalid(key + ".deployments", "must list at least one deployment");
        }
        for (int i = 0; i < group.deployments().size(); i++) {
            checkDeployment(key + ".deployments[" + i + "]", group.deployments().get(i), routable);
        }
        if (group.maxAttempts() != null) {
            Settings.atLeast(key + ".max-attempts", group.maxAttempts(), 1);
        }
        positiveIfSet(key + ".deadline", group.deadline());
        checkFallbacks(key + ".fallbacks", name, group.fallbacks(), groups, routable);
        checkFallbacks(key + ".context-window-fallbacks", name, group.contextWindowFallbacks(), groups, routable);
        checkFallbacks(key + ".content-policy-fallbacks", name, group.contentPolicyFallbacks(), groups, routable);
    }

    private static void checkDeployment(String key, RoutingProperties.DeploymentSpec deployment, Predicate<String> routable) {
        if (deployment == null || deployment.model() == null || deployment.model().isBlank()) {
            throw Settings.invalid(key + ".model", "is required: '<provider>/<upstream-model>'");
        }
        if (!deployment.model().contains("/") || !routable.test(deployment.model())) {
            throw Settings.invalid(key + ".model", "'" + deployment.model()
                    + "' is not '<provider>/<upstream-model>' with a configured provider");
        }
        if (deployment.weight() != null) {
            Settings.atLeast(key + ".weight", deployment.weight(), 1);
        }
        if (deployment.tier() != null) {
            Settings.atLeast(key + ".tier", deployment.tier(), 1);
        }
        positiveIfSet(key + ".connect-timeout", deployment.connectTimeout());
        positiveIfSet(key + ".first-token-timeout", deployment.firstTokenTimeout());
        positiveIfSet(key + ".timeout", deployment.timeout());
        if (deployment.rpm() != null) {
            Settings.atLeast(key + ".rpm", deployment.rpm(), 1);
        }
        if (deployment.tpm() != null) {
            Settings.atLeast(key + ".tpm", deployment.tpm(), 1);
        }
    }

    private static void positiveIfSet(String key, Duration value) {
        if (value != null) {
            withinADay(key, value);
        }
    }

    /** Longer than 0 and at most a day: nothing of a request waits longer, and nanosecond sums cannot overflow. */
    static void withinADay(String key, Duration value) {
        Settings.positive(key, value);
        if (value.compareTo(Duration.ofDays(1)) > 0) {
            throw Settings.invalid(key, "must be 1d or less, not " + value.toSeconds() + "s");
        }
    }

    private static void checkFallbacks(String key, String group, List<String> fallbacks,
                                       Map<String, RoutingProperties.GroupSpec> groups, Predicate<String> routable) {
        for (int i = 0; i < fallbacks.size(); i++) {
            String fallback = fallbacks.get(i);
            if (fallback == null || fallback.isBlank()) {
                throw Settings.invalid(key + "[" + i + "]", "is empty");
            }
            if (fallback.equals(group)) {
                throw Settings.invalid(key + "[" + i + "]", "names the group itself");
            }
            if (!groups.containsKey(fallback) && !routable.test(fallback)) {
                throw Settings.invalid(key + "[" + i + "]", "'" + fallback + "' is neither a model group, nor an alias,"
                        + " nor '<provider>/<model>' with a configured provider");
            }
        }
    }

    /** A chain of fallbacks from a group back to itself, as the names along it, or null when there is none. */
    private static List<String> cycle(Map<String, RoutingProperties.GroupSpec> groups) {
        Set<String> done = new HashSet<>();
        for (String start : groups.keySet()) {
            List<String> found = walk(start, groups, new ArrayList<>(), done);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static List<String> walk(String name, Map<String, RoutingProperties.GroupSpec> groups, List<String> path,
                                     Set<String> done) {
        int seen = path.indexOf(name);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(name);
            return cycle;
        }
        RoutingProperties.GroupSpec group = groups.get(name);
        if (group == null || done.contains(name)) {
            return null;
        }
        path.add(name);
        List<String> next = new ArrayList<>(group.fallbacks());
        next.addAll(group.contextWindowFallbacks());
        next.addAll(group.contentPolicyFallbacks());
        for (String fallback : next) {
            List<String> found = walk(fallback, groups, path, done);
            if (found != null) {
                return found;
            }
        }
        path.removeLast();
        done.add(name);
        return null;
    }
}
