package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.List;

/**
 * A model group ready to route: its deployments in the order configured, with the settings it
 * takes from {@link RoutingProperties.Routing} filled in. A name that is not a configured group
 * (a {@code <provider>/<model>} or an alias) routes as a group of one deployment.
 *
 * @param configured whether it is a configured group rather than a single deployment named directly
 */
public record Group(String name, Strategy strategy, List<Deployment> deployments, List<String> fallbacks,
                    List<String> contextWindowFallbacks, List<String> contentPolicyFallbacks, int maxAttempts,
                    Duration deadline, boolean configured) {
}
