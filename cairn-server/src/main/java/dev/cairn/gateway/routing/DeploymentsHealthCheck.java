package dev.cairn.gateway.routing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.cairn.platform.Health;
import dev.cairn.platform.HealthCheck;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Readiness of routing's deployments: each one's breaker ({@code CLOSED}, {@code HALF_OPEN},
 * {@code OPEN}), for every deployment of a configured group and every other this process has
 * called; DEGRADED while any is open, since requests then lean on the rest or on fallbacks, and
 * while the Redis that shares the blocks cannot be reached.
 */
@Component
@Order(210)
class DeploymentsHealthCheck implements HealthCheck {

    private final Routing routing;

    DeploymentsHealthCheck(Routing routing) {
        this.routing = routing;
    }

    @Override
    public String name() {
        return "deployments";
    }

    @Override
    public Health check() {
        long now = System.currentTimeMillis();
        Map<String, String> breakers = new TreeMap<>();
        for (Group group : routing.table().groups().values()) {
            group.deployments().forEach(d -> breakers.put(d.name(), d.state().breakerState(now)));
        }
        // Deployments clients named directly only while they are not closed: any key may name many.
        for (DeploymentState state : routing.states().named()) {
            String breaker = state.breakerState(now);
            if (!breaker.equals("CLOSED")) {
                breakers.put(state.name(), breaker);
            }
        }
        List<String> open = breakers.entrySet().stream().filter(e -> e.getValue().equals("OPEN")).map(Map.Entry::getKey).toList();
        SharedRouteState shared = routing.states().shared();
        // Without Redis each process keeps its own blocks: requests still route, but processes may disagree.
        boolean storeDown = shared instanceof RedisRouteState redis && !redis.reachable();
        Health health = Health.of(open.isEmpty() && !storeDown ? Health.Status.UP : Health.Status.DEGRADED)
                .with("store", storeDown ? shared.store() + " (unreachable)" : shared.store());
        if (!open.isEmpty()) {
            health = health.with("open", open);
        }
        for (Map.Entry<String, String> breaker : breakers.entrySet()) {
            health = health.with(breaker.getKey(), breaker.getValue());
        }
        return health;
    }
}
