package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Model groups ({@code cairn.models}) and how calls are retried and failed over
 * ({@code cairn.routing}). Each group is checked against the providers when the routes are built
 * ({@link GroupCheck}); the values that need nothing else are checked here.
 */
@ConfigurationProperties("cairn")
public record RoutingProperties(@DefaultValue Routing routing, Map<String, GroupSpec> models) {

    public RoutingProperties {
        // Insertion order kept: /v1/models lists groups as configured.
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /**
     * Retries, deadlines and circuit breakers, for every group that does not set its own.
     *
     * @param maxAttempts   calls per group and request, the first included
     * @param deadline      a request's whole time for every attempt and wait, fallbacks included
     * @param backoff       the first retry's wait ceiling; each retry of the same deployment doubles it
     *                      (full jitter: a random wait from zero to the ceiling)
     * @param maxBackoff    the ceiling's ceiling
     * @param maxRetryAfter the longest {@code Retry-After} honoured: a deployment is cooled down for what
     *                      it asked, at most this long, and a request waits for it only when its wait is
     *                      no longer (else it goes on to the fallbacks)
     */
    public record Routing(@DefaultValue("3") int maxAttempts,
                          @DefaultValue("10m") Duration deadline,
                          @DefaultValue("100ms") Duration backoff,
                          @DefaultValue("5s") Duration maxBackoff,
                          @DefaultValue("60s") Duration maxRetryAfter,
                          @DefaultValue Breaker breaker) {

        public Routing {
            Settings.atLeast("cairn.routing.max-attempts", maxAttempts, 1);
            GroupCheck.withinADay("cairn.routing.deadline", deadline);
            Settings.positive("cairn.routing.backoff", backoff);
            Settings.positive("cairn.routing.max-backoff", maxBackoff);
            Settings.positive("cairn.routing.max-retry-after", maxRetryAfter);
        }
    }

    /**
     * One circuit breaker per deployment ({@code <provider>/<model>}), over its last {@code window}
     * calls: it opens when at least {@code minimumCalls} were made and {@code failureRate} percent
     * failed or {@code slowCallRate} percent took longer than {@code slowCall} (a stream's time to
     * its first event); it stays open for {@code coolDown}, then lets {@code probes} calls through,
     * and closes again when they succeed.
     */
    public record Breaker(@DefaultValue("50") float failureRate,
                          @DefaultValue("20") int window,
                          @DefaultValue("10") int minimumCalls,
                          @DefaultValue("100") float slowCallRate,
                          @DefaultValue("60s") Duration slowCall,
                          @DefaultValue("30s") Duration coolDown,
                          @DefaultValue("2") int probes) {

        public Breaker {
            Settings.between("cairn.routing.breaker.failure-rate", failureRate, 1, 100);
            Settings.between("cairn.routing.breaker.slow-call-rate", slowCallRate, 1, 100);
            Settings.atLeast("cairn.routing.breaker.window", window, 1);
            Settings.atLeast("cairn.routing.breaker.minimum-calls", minimumCalls, 1);
            Settings.positive("cairn.routing.breaker.slow-call", slowCall);
            Settings.positive("cairn.routing.breaker.cool-down", coolDown);
            Settings.atLeast("cairn.routing.breaker.probes", probes, 1);
        }
    }

    /**
     * One model group: the deployments that answer for its name, how one is chosen, and where a
     * request goes when none of them can answer: {@code fallbacks} after errors,
     * {@code contextWindowFallbacks} when the prompt is too long for the model,
     * {@code contentPolicyFallbacks} when the upstream refuses the content. Each names another group
     * or a {@code <provider>/<model>} (or alias). Unset values take {@link Routing}'s.
     */
    public record GroupSpec(Strategy strategy,
                            List<DeploymentSpec> deployments,
                            List<String> fallbacks,
                            List<String> contextWindowFallbacks,
                            List<String> contentPolicyFallbacks,
                            Integer maxAttempts,
                            Duration deadline) {

        public GroupSpec {
            strategy = strategy == null ? Strategy.WEIGHTED : strategy;
            deployments = deployments == null ? List.of() : List.copyOf(deployments);
            fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
            contextWindowFallbacks = contextWindowFallbacks == null ? List.of() : List.copyOf(contextWindowFallbacks);
            contentPolicyFallbacks = contentPolicyFallbacks == null ? List.of() : List.copyOf(contentPolicyFallbacks);
        }
    }

    /**
     * One deployment of a group: {@code <provider>/<upstream-model>} with its weight (weighted
     * strategy), its tier (a higher tier is used only while every deployment of the lower ones is
     * unavailable), its own timeouts (unset: the provider's connect timeout, no first-token limit,
     * the request's deadline) and its optional ceilings per minute, counted in this process.
     */
    public record DeploymentSpec(String model,
                                 Integer weight,
                                 Integer tier,
                                 Duration connectTimeout,
                                 Duration firstTokenTimeout,
                                 Duration timeout,
                                 Integer rpm,
                                 Long tpm) {

        public int weightOrDefault() {
            return weight == null ? 1 : weight;
        }

        public int tierOrDefault() {
            return tier == null ? 1 : tier;
        }
    }
}
