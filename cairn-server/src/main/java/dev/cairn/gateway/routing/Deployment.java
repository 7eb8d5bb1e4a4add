package dev.cairn.gateway.routing;

import java.time.Duration;

import dev.cairn.gateway.Route;

/**
 * One deployment as a group uses it: where calls go (the route, through a provider with this
 * deployment's connect timeout), its weight and tier, its other timeouts and ceilings, and the
 * health it shares with every group that uses the same {@code <provider>/<model>}.
 *
 * @param firstTokenTimeout null: no limit beyond the provider's read timeout
 * @param timeout           null: the request's deadline
 * @param rpm               null: no ceiling
 * @param tpm               null: no ceiling
 */
public record Deployment(Route route, int weight, int tier, Duration firstTokenTimeout, Duration timeout,
                         Integer rpm, Long tpm, DeploymentState state) {

    /** Its {@code <provider>/<model>}: the name in {@code Cairn-Route}, audit entries, metrics and health. */
    public String name() {
        return state.name();
    }

    boolean available(long nowMillis) {
        return state.available(nowMillis, rpm, tpm);
    }
}
