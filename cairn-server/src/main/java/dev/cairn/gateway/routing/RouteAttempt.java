package dev.cairn.gateway.routing;

import dev.cairn.gateway.Usage;

/**
 * One attempt of a request, for its audit entry: which group and deployment, what came back, and
 * what routing did next.
 *
 * @param status the upstream's HTTP status; 200 when it answered, 0 when it sent none (unreachable, timed out)
 * @param error  what failed ({@code http_503}, {@code timeout}, {@code unreachable}, {@code malformed},
 *               {@code context_window}, {@code content_policy}...); null when it answered
 * @param then   {@code answer}, {@code retry} (another attempt in the group), {@code fallback} (the next
 *               group of the chain) or {@code fail} (the request ends with this failure)
 * @param why    why routing moved on or stopped: {@code retryable}, {@code not_retryable},
 *               {@code stream_started}, {@code attempts_exhausted}, {@code deadline}, {@code context_window},
 *               {@code content_policy}, {@code unavailable}; null for an answer
 */
public record RouteAttempt(String group, String deployment, int status, long latencyNanos, String error, String then,
                           String why, Usage usage) {

    RouteAttempt then(String then, String why) {
        return new RouteAttempt(group, deployment, status, latencyNanos, error, then, why, usage);
    }
}
