package dev.cairn.gateway.routing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import dev.cairn.gateway.GatewayException;
import dev.cairn.gateway.UpstreamCall;
import dev.cairn.platform.TraceContext;

/**
 * One request's way through its plan: the group's deployments by tier and strategy, retries with
 * backoff, then the fallbacks the failure calls for, depth first (a fallback's own fallbacks come
 * before the next fallback of the group that fell back). Made per request; not thread-safe.
 *
 * <p>A deployment not yet tried in this request comes before one that failed (lowest tier first),
 * so a 429 or a 503 moves to another deployment before waiting on the same one; retrying one that
 * failed waits a random time up to a ceiling that doubles with each of its failures (full jitter),
 * and at least as long as it asked ({@code Retry-After}). That wait is the only one made, and only
 * when the request has nowhere else to go: a group whose deployments are all blocked otherwise
 * (breakers open, cooling down for another request) ends at once, for its fallbacks or a 503 with
 * {@code Retry-After}. Only retryable failures are retried; a context-window overflow or a
 * content-policy refusal goes to that trigger's fallbacks; any other failure, and any failure once
 * the client has part of a stream, ends the request.
 */
final class Failover<T extends Attempt.Outcome> {

    private final Plan plan;
    private final Attempt<T> attempt;
    private final TraceContext trace;
    private final RoutingProperties.Routing settings;
    private final RoutingMetrics metrics;
    private final long deadlineNanos;
    private final List<RouteAttempt> attempts = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final Map<String, Integer> failures = new HashMap<>();
    /** Until when each deployment that answered this request with a {@code Retry-After} (one we honour) asked to be left alone. */
    private final Map<String, Long> askedUntil = new HashMap<>();
    private final Set<String> visited = new HashSet<>();
    private T last;
    private Deployment lastDeployment;
    /** The first answer the upstream's content filter stopped, kept in case no content-policy fallback answers. */
    private T refused;
    private Deployment refusedDeployment;
    private int refusedAttempt;
    /** The earliest time a blocked deployment frees up, for the Retry-After of a 503 when none could be tried. */
    private long earliestFreeMillis = Long.MAX_VALUE;

    Failover(Plan plan, Attempt<T> attempt, TraceContext trace, RoutingProperties.Routing settings, RoutingMetrics metrics) {
        this.plan = plan;
        this.attempt = attempt;
        this.trace = trace;
        this.settings = settings;
        this.metrics = metrics;
        this.deadlineNanos = System.nanoTime() + plan.primary().deadline().toNanos();
    }

    /** The group's outcome, as the chain reads it. */
    private enum Ending { ANSWERED, FAILED, EXHAUSTED, CONTEXT_WINDOW, CONTENT_POLICY }

    Routed<T> run() {
        Deque<Group> work = new ArrayDeque<>();
        work.add(plan.primary());
        while (!work.isEmpty()) {
            Group group = work.poll();
            if (!visited.add(group.name())) {
                continue;
            }
            Ending ending = runGroup(group, !work.isEmpty() || hasFallbacks(group));
            List<Group> next = switch (ending) {
                case ANSWERED, FAILED -> null;
                case EXHAUSTED -> group == plan.primary() && plan.requestFallbacks() != null
                        ? plan.requestFallbacks() : resolve(group.fallbacks());
                case CONTEXT_WINDOW -> resolve(group.contextWindowFallbacks());
                case CONTENT_POLICY -> resolve(group.contentPolicyFallbacks());
            };
            if (next == null) {
                break;
            }
            for (Group fallback : next.reversed()) {
                work.addFirst(fallback);
            }
            // The request goes on in another group (this one's fallback, or one still pending above it).
            if (!work.isEmpty() && !attempts.isEmpty() && attempts.getLast().group().equals(group.name())) {
                attempts.set(attempts.size() - 1, attempts.getLast().then("fallback", attempts.getLast().why()));
            }
        }
        if (last != null && last.failure() == null) {
            return new Routed<>(last, lastDeployment, List.copyOf(attempts), List.copyOf(skipped), null);
        }
        if (refused != null) {
            // No fallback answered: the refusal is an answer, better than the fallbacks' failure.
            attempts.set(refusedAttempt, attempts.get(refusedAttempt).then("answer", "content_policy"));
            return new Routed<>(refused, refusedDeployment, List.copyOf(attempts), List.copyOf(skipped), null);
        }
        if (!attempts.isEmpty() && !"fail".equals(attempts.getLast().then())) {
            attempts.set(attempts.size() - 1, attempts.getLast().then("fail", attempts.getLast().why()));
        }
        RuntimeException failure = last != null ? last.failure() : noneAvailable();
        return new Routed<>(last, lastDeployment, List.copyOf(attempts), List.copyOf(skipped), failure);
    }

    /**
     * The group's attempts. {@code elsewhere}: whether the request has somewhere else to go (a fallback,
     * or a group still pending), in which case it goes there rather than wait for a deployment here.
     */
    private Ending runGroup(Group group, boolean elsewhere) {
        Set<String> denied = new HashSet<>();
        int made = 0;
        while (made < group.maxAttempts()) {
            long nowNanos = System.nanoTime();
            if (nowNanos >= deadlineNanos || Thread.currentThread().isInterrupted()) {
                // Interrupted: the server is stopping; a call now would only fail as a timeout.
                markLast(group, "deadline");
                return Ending.EXHAUSTED;
            }
            long nowMillis = System.currentTimeMillis();
            Deployment chosen = choose(group, nowMillis, denied);
            if (chosen == null) {
                earliestFreeMillis = Math.min(earliestFreeMillis, earliestFree(group, nowMillis));
                // Only a Retry-After given to this request is waited for, and only when the request has
                // nowhere else to go: an open breaker's cool-down is not sat out, it ends the group at
                // once, for the fallbacks or a 503 with Retry-After.
                long free = elsewhere ? Long.MAX_VALUE : resumeAt(group, nowMillis, denied);
                long waitMillis = free - nowMillis;
                if (free == Long.MAX_VALUE || waitMillis > settings.maxRetryAfter().toMillis()
                        || nowNanos + waitMillis * 1_000_000 >= deadlineNanos) {
                    markLast(group, "unavailable");
                    return Ending.EXHAUSTED;
                }
                sleep(waitMillis * 1_000_000);
                continue;
            }
            int failed = failures.getOrDefault(chosen.name(), 0);
            if (failed > 0) {
                sleep(Math.min(backoffNanos(failed), deadlineNanos - System.nanoTime()));
                if (System.nanoTime() >= deadlineNanos) {
                    // A call now would be cancelled at once and count as the deployment's timeout.
                    markLast(group, "deadline");
                    return Ending.EXHAUSTED;
                }
            }
            if (!chosen.state().acquire()) {
                // Half-open with its probes out, or opened since it was chosen: another one, or none.
                denied.add(chosen.name());
                continue;
            }
            made++;
            Ending ending = call(group, chosen);
            if (ending != null) {
                return ending;
            }
        }
        markLast(group, "attempts_exhausted");
        return Ending.EXHAUSTED;
    }

    /** One call; null when the group goes on with another attempt. */
    private Ending call(Group group, Deployment deployment) {
        deployment.state().started(System.currentTimeMillis());
        UpstreamCall call = UpstreamCall.within(trace, deadlineNanos, deployment.timeout(), deployment.firstTokenTimeout());
        T outcome;
        try {
            outcome = attempt.call(deployment, call, attempts.size() + 1);
        } catch (RuntimeException e) {
            // An attempt reports its failure in its outcome; one that throws is a bug, which must not leak the permit.
            deployment.state().released();
            throw e;
        }
        last = outcome;
        lastDeployment = deployment;
        RuntimeException error = outcome.failure();
        long latency = outcome.latencyNanos();
        if (error == null) {
            deployment.state().succeeded(latency, outcome.usage().promptTokens() + outcome.usage().completionTokens());
            if (outcome.refused() && !group.contentPolicyFallbacks().isEmpty()) {
                note(group, deployment, outcome, 200, "content_policy", "fallback", "content_policy");
                if (refused == null) {
                    refused = outcome;
                    refusedDeployment = deployment;
                    refusedAttempt = attempts.size() - 1;
                }
                return Ending.CONTENT_POLICY;
            }
            note(group, deployment, outcome, 200, null, "answer", null);
            return Ending.ANSWERED;
        }
        GatewayException.Fault fault = error instanceof GatewayException gateway ? gateway.fault() : null;
        if (fault == null) {
            // Not the upstream's doing (the client left, the answer's guard stopped it): nothing against the deployment.
            deployment.state().released();
            note(group, deployment, outcome, statusOf(error, null), codeOf(error), "fail", "not_retryable");
            return Ending.FAILED;
        }
        int status = statusOf(error, fault);
        if (fault.kind() == GatewayException.FaultKind.TIMEOUT && call.deadlineNanos() == deadlineNanos
                && System.nanoTime() >= deadlineNanos) {
            // The request's own deadline cut the call, not the deployment's timeouts: nothing against it.
            deployment.state().released();
            note(group, deployment, outcome, status, fault.label(), "fail", "deadline");
            return Ending.FAILED;
        }
        if (fault.retryable()) {
            deployment.state().failed(latency, error);
            failures.merge(deployment.name(), 1, Integer::sum);
            if (fault.retryAfter() != null && !fault.retryAfter().isZero()) {
                boolean honoured = fault.retryAfter().compareTo(settings.maxRetryAfter()) <= 0;
                long until = deployment.state().coolDown(honoured ? fault.retryAfter() : settings.maxRetryAfter());
                if (honoured) {
                    askedUntil.put(deployment.name(), until);
                }
            }
        } else {
            // The upstream judged the request, so it is up: its refusal says nothing against it.
            deployment.state().succeeded(latency, outcome.usage().promptTokens() + outcome.usage().completionTokens());
        }
        if (outcome.committed()) {
            note(group, deployment, outcome, status, fault.label(), "fail", "stream_started");
            return Ending.FAILED;
        }
        if (fault.retryable()) {
            note(group, deployment, outcome, status, fault.label(), "retry", "retryable");
            return null;
        }
        switch (fault.kind()) {
            case CONTEXT_WINDOW -> {
                if (!group.contextWindowFallbacks().isEmpty()) {
                    note(group, deployment, outcome, status, fault.label(), "fallback", "context_window");
                    return Ending.CONTEXT_WINDOW;
                }
            }
            case CONTENT_POLICY -> {
                if (!group.contentPolicyFallbacks().isEmpty()) {
                    note(group, deployment, outcome, status, fault.label(), "fallback", "content_policy");
                    return Ending.CONTENT_POLICY;
                }
            }
            default -> {
            }
        }
        note(group, deployment, outcome, status, fault.label(), "fail", "not_retryable");
        return Ending.FAILED;
    }

    /**
     * The next deployment: from the lowest tier that has an available one not yet failed in this
     * request, by the group's strategy; when every available one has failed in this request, a retry
     * of one of them, lowest tier first. So a failure moves the request to another deployment of its
     * tier, then to the next tier, before the same deployment is called again: a tier that keeps
     * failing below its breaker's threshold still leaves the client an answer from the next one.
     * Null when none is available.
     */
    private Deployment choose(Group group, long nowMillis, Set<String> denied) {
        List<Deployment> fresh = lowestTier(group, nowMillis, denied, false);
        List<Deployment> candidates = !fresh.isEmpty() ? fresh : lowestTier(group, nowMillis, denied, true);
        return candidates.isEmpty() ? null : group.strategy().choose(candidates);
    }

    /** The available deployments of the lowest tier that has any, among those that failed in this request or those that did not. */
    private List<Deployment> lowestTier(Group group, long nowMillis, Set<String> denied, boolean failedBefore) {
        int tier = Integer.MAX_VALUE;
        List<Deployment> found = new ArrayList<>(2);
        for (Deployment d : group.deployments()) {
            if (d.tier() > tier || denied.contains(d.name()) || failures.containsKey(d.name()) != failedBefore
                    || !d.available(nowMillis)) {
                continue;
            }
            if (d.tier() < tier) {
                tier = d.tier();
                found.clear();
            }
            found.add(d);
        }
        return found;
    }

    /**
     * When a deployment of the group that asked this request to wait ({@code Retry-After}) may be
     * called again, if nothing else blocks it longer (an open breaker, a longer cool-down asked of
     * another request); {@link Long#MAX_VALUE} when there is none.
     */
    private long resumeAt(Group group, long nowMillis, Set<String> denied) {
        long earliest = Long.MAX_VALUE;
        for (Deployment d : group.deployments()) {
            Long asked = askedUntil.get(d.name());
            // Past its time yet not chosen: over its ceilings, which no short wait fixes.
            if (asked != null && asked > nowMillis && !denied.contains(d.name()) && d.state().availableAt(nowMillis) <= asked) {
                earliest = Math.min(earliest, asked);
            }
        }
        return earliest;
    }

    /** When the first blocked deployment of the group frees up; {@link Long#MAX_VALUE} when waiting cannot help. */
    private static long earliestFree(Group group, long nowMillis) {
        long earliest = Long.MAX_VALUE;
        for (Deployment d : group.deployments()) {
            long at = d.state().availableAt(nowMillis);
            if (at > nowMillis) {
                earliest = Math.min(earliest, at);
            } else {
                // Free of blocks but over its ceilings: free again at the next minute.
                earliest = Math.min(earliest, (nowMillis / 60_000 + 1) * 60_000);
            }
        }
        return earliest;
    }

    /** Whether the group, exhausted, would have fallbacks to go to (before the key's allow-list is applied). */
    private boolean hasFallbacks(Group group) {
        return group == plan.primary() && plan.requestFallbacks() != null ? !plan.requestFallbacks().isEmpty()
                : !group.fallbacks().isEmpty();
    }

    /** The configured fallbacks as groups: those the key may not use, or that no longer exist, left out and noted. */
    private List<Group> resolve(List<String> names) {
        List<Group> groups = new ArrayList<>(names.size());
        for (String name : names) {
            Group group = plan.table().group(name);
            if (group == null) {
                skipped.add(name + ": not configured");
            } else if (!Routing.mayUse(plan.principal(), group)) {
                skipped.add(name + ": not allowed for this key");
            } else {
                groups.add(group);
            }
        }
        return groups;
    }

    private void note(Group group, Deployment deployment, T outcome, int status, String error, String then, String why) {
        attempts.add(new RouteAttempt(group.name(), deployment.name(), status, outcome.latencyNanos(), error, then, why,
                outcome.usage()));
        metrics.attempt(deployment.name(), error == null ? "ok" : error, outcome.latencyNanos());
    }

    /** The group ends without another attempt: its last attempt, which had planned one, says why. */
    private void markLast(Group group, String why) {
        if (!attempts.isEmpty() && attempts.getLast().group().equals(group.name()) && "retry".equals(attempts.getLast().then())) {
            attempts.set(attempts.size() - 1, attempts.getLast().then("retry", why));
        }
    }

    private GatewayException noneAvailable() {
        long now = System.currentTimeMillis();
        Duration retryAfter = earliestFreeMillis == Long.MAX_VALUE ? null
                : Duration.ofMillis(Math.max(1000, earliestFreeMillis - now));
        return GatewayException.noDeploymentAvailable(plan.primary().name(), retryAfter);
    }

    /** Full jitter: a random wait from zero to a ceiling that doubles with each failure of the same deployment. */
    private long backoffNanos(int failed) {
        long max = settings.maxBackoff().toNanos();
        long ceiling = settings.backoff().toNanos();
        for (int i = 1; i < failed && ceiling < max; i++) {
            ceiling <<= 1;
        }
        ceiling = Math.min(ceiling, max);
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static void sleep(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int statusOf(RuntimeException error, GatewayException.Fault fault) {
        if (fault != null) {
            // The upstream's own status, as RouteAttempt says: 0 when it sent none, 200 for a 2xx
            // answer that was not valid; not the 502 or 504 Cairn answers the client with.
            return fault.kind() == GatewayException.FaultKind.MALFORMED ? 200 : fault.upstreamStatus();
        }
        return error instanceof dev.cairn.platform.CairnException cairn ? cairn.error().status() : 500;
    }

    private static String codeOf(RuntimeException error) {
        return error instanceof dev.cairn.platform.CairnException cairn ? cairn.error().code() : error.getClass().getSimpleName();
    }
}
