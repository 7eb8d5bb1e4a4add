package dev.cairn.gateway.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Routing's metrics, per deployment: attempts by result ({@code ok} or the failure's label, such as
 * {@code http_503} or {@code timeout}), attempt latency, calls in flight and the breaker's state
 * (0 closed, 1 half-open, 2 open). Clients can name any model, so past {@link #MAX_DEPLOYMENTS}
 * deployments the label becomes {@code other} and no more gauges are made.
 */
@Component
public class RoutingMetrics {

    static final int MAX_DEPLOYMENTS = 200;

    private final MeterRegistry registry;
    private final Set<String> deployments = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<AttemptKey, Counter> attempts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> latency = new ConcurrentHashMap<>();

    private record AttemptKey(String deployment, String result) {
    }

    public RoutingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Gauges for a deployment's breaker and calls in flight, while there is room for its label. */
    void watch(DeploymentState state) {
        if (!label(state.name()).equals(state.name())) {
            return;
        }
        Gauge.builder("cairn.route.breaker.state", state, s -> switch (s.breakerState(System.currentTimeMillis())) {
                    case "OPEN" -> 2;
                    case "HALF_OPEN" -> 1;
                    default -> 0;
                })
                .description("Each deployment's circuit breaker: 0 closed, 1 half-open, 2 open")
                .tag("deployment", state.name()).strongReference(false).register(registry);
        Gauge.builder("cairn.route.in_flight", state, DeploymentState::inFlight)
                .description("Calls in flight to each deployment from this process")
                .tag("deployment", state.name()).strongReference(false).register(registry);
    }

    /** One attempt: its result ({@code ok}, or what failed) and how long it took. */
    void attempt(String deployment, String result, long nanos) {
        String label = label(deployment);
        attempts.computeIfAbsent(new AttemptKey(label, result), k -> Counter.builder("cairn.route.attempts")
                .description("Calls to each deployment by result: ok, or the failure (http_503, timeout, unreachable...)")
                .tag("deployment", k.deployment()).tag("result", k.result()).register(registry)).increment();
        latency.computeIfAbsent(label, d -> Timer.builder("cairn.route.attempt.duration")
                .description("Latency of each call to a deployment (a stream's: to its first event)")
                .tag("deployment", d).publishPercentileHistogram().register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private String label(String deployment) {
        if (deployments.contains(deployment)) {
            return deployment;
        }
        if (deployments.size() >= MAX_DEPLOYMENTS) {
            return "other";
        }
        deployments.add(deployment);
        return deployment;
    }
}
