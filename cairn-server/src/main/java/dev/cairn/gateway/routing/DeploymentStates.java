package dev.cairn.gateway.routing;

import java.util.Collection;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.springframework.stereotype.Component;

/**
 * The {@link DeploymentState} of every deployment this process has routed to, by
 * {@code <provider>/<model>}: one per deployment however many groups use it, and kept when groups
 * change, so a breaker does not close because an admin edited a weight. Clients can name any model
 * of a provider, so the states are bounded: the least recently used beyond {@link #MAX_STATES} are
 * forgotten (and start closed when named again).
 */
@Component
public class DeploymentStates {

    static final int MAX_STATES = 2_000;

    private final CircuitBreakerConfig breaker;
    private final RoutingProperties.Breaker settings;
    private final SharedRouteState shared;
    private final RoutingMetrics metrics;
    private final Cache<String, DeploymentState> states = Caffeine.newBuilder().maximumSize(MAX_STATES).build();

    public DeploymentStates(RoutingProperties properties, SharedRouteState shared, RoutingMetrics metrics) {
        this.settings = properties.routing().breaker();
        this.shared = shared;
        this.metrics = metrics;
        this.breaker = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRate())
                .slowCallRateThreshold(settings.slowCallRate())
                .slowCallDurationThreshold(settings.slowCall())
                .waitDurationInOpenState(settings.coolDown())
                .permittedNumberOfCallsInHalfOpenState(settings.probes())
                // Routing says what failed: it calls onSuccess and onError itself.
                .recordExceptions()
                .build();
    }

    /** The state of {@code deployment}, made on first use. */
    public DeploymentState of(String deployment) {
        return states.get(deployment, name -> {
            DeploymentState state = new DeploymentState(name, breaker, settings.coolDown(), shared);
            metrics.watch(state);
            return state;
        });
    }

    /** Every state this process holds. */
    public Collection<DeploymentState> all() {
        return states.asMap().values();
    }

    SharedRouteState shared() {
        return shared;
    }
}
