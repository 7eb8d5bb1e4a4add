package dev.cairn.gateway.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.ModelRouter;
import dev.cairn.gateway.Route;
import dev.cairn.platform.Settings;
import dev.cairn.platform.TraceContext;
import dev.cairn.usage.PricingProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Model names to plans, and plans to answers: a request's model is a group (configured in
 * {@code cairn.models} or by admins), or a {@code <provider>/<model>} or alias routed as a group of
 * one; {@link Failover} then tries its deployments and fallbacks. The table of groups is rebuilt
 * when the stored groups change, on the first request after; requests already planned keep theirs.
 */
@Component
public class Routing {

    private static final Logger log = LoggerFactory.getLogger(Routing.class);

    private final ModelRouter router;
    private final RoutingProperties properties;
    private final DeploymentStates states;
    private final RoutingMetrics metrics;
    private final StoredGroups stored;
    private volatile RouteTable table;

    @Autowired
    Routing(ModelRouter router, RoutingProperties properties, PricingProperties pricing, DeploymentStates states,
            RoutingMetrics metrics, ObjectProvider<StoredGroups> stored, Environment environment) {
        this(router, properties, pricing, states, metrics, stored);
        // A typo in a group (wieght, fallback) would otherwise be a default and go unnoticed.
        Settings.rejectUnknown(environment, "cairn.models", Bindable.mapOf(String.class, RoutingProperties.GroupSpec.class));
        Settings.rejectUnknown(environment, "cairn.routing", Bindable.of(RoutingProperties.Routing.class));
    }

    public Routing(ModelRouter router, RoutingProperties properties, PricingProperties pricing, DeploymentStates states,
                   RoutingMetrics metrics, ObjectProvider<StoredGroups> stored) {
        this.router = router;
        this.properties = properties;
        this.states = states;
        this.metrics = metrics;
        this.stored = stored.getIfAvailable(() -> () -> StoredGroups.Snapshot.NONE);
        properties.models().keySet().stream().filter(router.aliases()::containsKey).findFirst().ifPresent(name -> {
            throw Settings.invalid("cairn.models." + name, "has the name of an alias (cairn.aliases." + name + "): rename one");
        });
        GroupCheck.check("cairn.models.", properties.models(), this::routable);
        this.table = initial(this.stored.current());
        List<PricingProperties.Price> prices = pricing.pricing();
        for (int i = 0; i < prices.size(); i++) {
            String model = prices.get(i).model();
            if (table.group(model) == null) {
                throw Settings.invalid("cairn.pricing[" + i + "].model", "'" + model + "' is neither a model group, nor an"
                        + " alias, nor '<provider>/<model>' with a configured provider, nor a built-in cairn/ model");
            }
        }
    }

    /**
     * The plan for a request's model and the fallbacks it named (null: none); 404 for a name that
     * routes nowhere, 403 for one the key may not use.
     */
    public Plan plan(String model, List<String> fallbacks, Principal principal) {
        RouteTable current = table();
        Group primary = allowed(current, model, principal, "model");
        List<Group> requested = null;
        if (fallbacks != null) {
            requested = new ArrayList<>(fallbacks.size());
            for (String fallback : fallbacks) {
                requested.add(allowed(current, fallback, principal, "models"));
            }
        }
        return new Plan(primary, requested, principal, current);
    }

    /**
     * The group for a name, once the key may use it: nothing is made for a name it may not use, so a
     * key cannot fill this process's deployment states (and readiness, and metrics) with names.
     */
    private Group allowed(RouteTable table, String model, Principal principal, String param) {
        Group configured = table.groups().get(model);
        if (configured != null) {
            if (!principal.mayUse(model)) {
                throw AccessException.modelNotAllowed(model);
            }
            return configured;
        }
        Route route = router.resolve(model);
        if (route == null) {
            throw GatewayException.unknownModel(model, param);
        }
        if (!principal.mayUse(model) && !principal.mayUse(route.qualifiedModel())) {
            throw AccessException.modelNotAllowed(model);
        }
        return table.single(route);
    }

    /** Runs the plan: attempts, retries and fallbacks until an answer or the failure the request ends with. */
    public <T extends Attempt.Outcome> Routed<T> run(Plan plan, TraceContext trace, Attempt<T> attempt) {
        return new Failover<>(plan, attempt, trace, properties.routing(), metrics).run();
    }

    /**
     * Whether the key may use a group: its name on the key's allow-list, or, for a single
     * deployment named directly or through an alias, the deployment's {@code <provider>/<model>}.
     */
    static boolean mayUse(Principal principal, Group group) {
        return principal.mayUse(group.name()) || !group.configured() && principal.mayUse(group.deployments().getFirst().name());
    }

    /** The groups now in force. */
    public RouteTable table() {
        RouteTable current = table;
        StoredGroups.Snapshot snapshot = stored.current();
        if (snapshot.version() != current.version()) {
            synchronized (this) {
                current = table;
                if (snapshot.version() != current.version()) {
                    try {
                        current = build(snapshot);
                    } catch (RuntimeException e) {
                        // Admins' groups are checked before they are stored; this is a guard, not a path.
                        log.error("The model groups at version {} cannot be used; those of version {} stay in force",
                                snapshot.version(), current.version(), e);
                        current = RouteTable.atVersion(current, snapshot.version());
                    }
                    table = current;
                }
            }
        }
        return current;
    }

    /**
     * Checks groups an admin wants to store, together with the YAML ones and the other stored
     * ones (as {@code changes} would leave them: a null value removes a group); throws
     * {@link dev.cairn.platform.InvalidConfigurationException} naming the first bad key.
     */
    public void check(Map<String, RoutingProperties.GroupSpec> changes) {
        // The changed groups first, so that a cycle they make is reported under their own keys.
        Map<String, RoutingProperties.GroupSpec> merged = new LinkedHashMap<>();
        changes.forEach((name, spec) -> {
            if (spec != null) {
                merged.put(name, spec);
            }
        });
        merge(stored.current().groups()).forEach(merged::putIfAbsent);
        changes.forEach((name, spec) -> {
            if (spec == null) {
                merged.remove(name);
                RoutingProperties.GroupSpec yaml = properties.models().get(name);
                if (yaml != null) {
                    merged.put(name, yaml);
                }
            } else {
                if (router.aliases().containsKey(name)) {
                    throw Settings.invalid(name, "is the name of an alias: choose another name");
                }
                merged.put(name, spec);
            }
        });
        GroupCheck.check("", merged, this::routable);
    }

    /**
     * The table at start. Stored groups that no longer pass (a provider they use was removed from
     * the configuration) must not stop the start, or no API would be up to fix them: the configured
     * groups alone are in force until the stored ones next change.
     */
    private RouteTable initial(StoredGroups.Snapshot snapshot) {
        try {
            GroupCheck.check("", merge(snapshot.groups()), this::routable);
            return build(snapshot);
        } catch (RuntimeException e) {
            log.error("The model groups stored by admins (version {}) cannot be used, only the configured ones are in force"
                    + " until they change: {}", snapshot.version(), e.getMessage());
            return RouteTable.atVersion(build(StoredGroups.Snapshot.NONE), snapshot.version());
        }
    }

    private RouteTable build(StoredGroups.Snapshot snapshot) {
        return RouteTable.build(merge(snapshot.groups()), snapshot.version(), properties.routing(), router, states);
    }

    /** The YAML groups with the stored ones over them. */
    private Map<String, RoutingProperties.GroupSpec> merge(Map<String, RoutingProperties.GroupSpec> storedGroups) {
        Map<String, RoutingProperties.GroupSpec> merged = new LinkedHashMap<>(properties.models());
        merged.putAll(storedGroups);
        return merged;
    }

    private boolean routable(String name) {
        return router.resolve(name) != null;
    }

    public DeploymentStates states() {
        return states;
    }
}
