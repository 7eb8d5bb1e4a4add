package dev.cairn.gateway.routing;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.CacheBytes;
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
    /**
     * What one state holds besides its name, a generous estimate: its circuit breaker with the outcome
     * window and its counters. The bound is in bytes, so that names a client made long cannot stretch it.
     */
    static final long STATE_BYTES = 4096;

    private final CircuitBreakerConfig breaker;
    private final RoutingProperties.Breaker settings;
    private final SharedRouteState shared;
    private final RoutingMetrics metrics;
    /** Deployments of configured groups: never forgotten, so no client's names can push one out. */
    private final ConcurrentMap<String, DeploymentState> pinned = new ConcurrentHashMap<>();
    /** Deployments named directly by clients ({@code <provider>/<model>}, aliases): bounded. */
    private final Cache<String, DeploymentState> named = CacheBytes.<String, DeploymentState>bounded(MAX_STATES * STATE_BYTES,
            (name, state) -> CacheBytes.of(name) + STATE_BYTES).build();

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
                // No exceptions are recorded by type: routing judges each call and reports it through
                // onSuccess and onError itself.
                .build();
    }

    /** The state of a deployment named directly, made on first use; a configured deployment's own when it is one. */
    public DeploymentState of(String deployment) {
        DeploymentState state = pinned.get(deployment);
        return state != null ? state : named.get(deployment, this::create);
    }

    /** The state of a configured group's deployment, kept for the life of the process (taken over from {@link #of}'s, if any). */
    DeploymentState pin(String deployment) {
        return pinned.computeIfAbsent(deployment, name -> {
            DeploymentState earlier = named.getIfPresent(name);
            named.invalidate(name);
            return earlier != null ? earlier : create(name);
        });
    }

    private DeploymentState create(String name) {
        DeploymentState state = new DeploymentState(name, breaker, settings.coolDown(), shared);
        metrics.watch(state);
        return state;
    }

    /** The states of deployments named directly, as far as this process still holds them. */
    Collection<DeploymentState> named() {
        return named.asMap().values();
    }

    SharedRouteState shared() {
        return shared;
    }
}
