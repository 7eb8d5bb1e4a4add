package dev.cairn.gateway.routing;

import java.util.List;

/**
 * What routing a request came to: the last attempt's outcome and deployment (null when no
 * deployment could be tried), every attempt in order, the fallbacks left out (not allowed for the
 * key, or no longer configured), and the failure the request ends with (null when answered).
 */
public record Routed<T extends Attempt.Outcome>(T outcome, Deployment deployment, List<RouteAttempt> attempts,
                                                List<String> skipped, RuntimeException failure) {
}
