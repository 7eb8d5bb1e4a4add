package dev.cairn.gateway.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.gateway.ModelRouter;
import dev.cairn.gateway.ProviderClient;
import dev.cairn.gateway.Route;

/**
 * The configured groups, ready to route, as of one version of the configuration; immutable. A
 * name that is not a group but routes on its own ({@code <provider>/<model>} or an alias) is
 * looked up as a group of one deployment.
 */
public final class RouteTable {

    private final Map<String, Group> groups;
    private final long version;
    private final RoutingProperties.Routing defaults;
    private final ModelRouter router;
    private final DeploymentStates states;

    private RouteTable(Map<String, Group> groups, long version, RoutingProperties.Routing defaults, ModelRouter router,
                       DeploymentStates states) {
        this.groups = groups;
        this.version = version;
        this.defaults = defaults;
        this.router = router;
        this.states = states;
    }

    /** The table for {@code specs}, which {@link GroupCheck} has passed. */
    static RouteTable build(Map<String, RoutingProperties.GroupSpec> specs, long version, RoutingProperties.Routing defaults,
                            ModelRouter router, DeploymentStates states) {
        Map<String, Group> groups = new LinkedHashMap<>();
        specs.forEach((name, spec) -> {
            List<Deployment> deployments = new ArrayList<>(spec.deployments().size());
            for (RoutingProperties.DeploymentSpec d : spec.deployments()) {
                Route target = router.resolve(d.model());
                ProviderClient provider = d.connectTimeout() == null ? target.provider()
                        : router.withConnectTimeout(target.provider().name(), d.connectTimeout());
                deployments.add(new Deployment(new Route(name, provider, target.upstreamModel()), d.weightOrDefault(),
                        d.tierOrDefault(), d.firstTokenTimeout(), d.timeout(), d.rpm(), d.tpm(), states.pin(target.qualifiedModel())));
            }
            groups.put(name, new Group(name, spec.strategy(), List.copyOf(deployments), spec.fallbacks(),
                    spec.contextWindowFallbacks(), spec.contentPolicyFallbacks(),
                    spec.maxAttempts() != null ? spec.maxAttempts() : defaults.maxAttempts(),
                    spec.deadline() != null ? spec.deadline() : defaults.deadline(), true));
        });
        return new RouteTable(Collections.unmodifiableMap(groups), version, defaults, router, states);
    }

    /** The group a name routes to, or null when it routes nowhere. */
    public Group group(String name) {
        Group group = groups.get(name);
        if (group != null) {
            return group;
        }
        Route route = router.resolve(name);
        return route == null ? null : single(route);
    }

    /** The group of one deployment that a name routing directly ({@code <provider>/<model>}, an alias) stands for. */
    Group single(Route route) {
        Deployment only = new Deployment(route, 1, 1, null, null, null, null, states.of(route.qualifiedModel()));
        return new Group(route.requestedModel(), Strategy.PRIORITY, List.of(only), List.of(), List.of(), List.of(),
                defaults.maxAttempts(), defaults.deadline(), false);
    }

    /** The configured groups, in the order configured (YAML first, then the admins'). */
    public Map<String, Group> groups() {
        return groups;
    }

    long version() {
        return version;
    }

    /** The same table under another version: stored groups that could not be built are not retried on every request. */
    static RouteTable atVersion(RouteTable table, long version) {
        return new RouteTable(table.groups, version, table.defaults, table.router, table.states);
    }
}
