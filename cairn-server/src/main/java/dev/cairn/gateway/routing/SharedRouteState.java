package dev.cairn.gateway.routing;

/**
 * What every process routing to the same deployments must agree on: which deployments are blocked
 * (a breaker open, or a cool-down an upstream asked for) and until when. Reads are local and never
 * wait; writes reach the other processes within about a second when they share a store.
 */
public interface SharedRouteState {

    /** The epoch millisecond until which {@code deployment} is blocked, 0 when it is not. */
    long blockedUntil(String deployment);

    /** Blocks {@code deployment} until {@code untilMillis} (a later block wins); {@code why} is {@code open} or {@code cooling}. */
    void block(String deployment, long untilMillis, String why);

    /** Lifts a breaker's block: the deployment answered its probes. */
    void unblock(String deployment);

    /** Where the state lives, for /health/ready: {@code local} or {@code redis}. */
    String store();
}
