package dev.cairn.gateway.routing;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** {@link SharedRouteState} for a single process: blocks live in its memory. */
final class LocalRouteState implements SharedRouteState {

    private final ConcurrentMap<String, Long> blocks = new ConcurrentHashMap<>();

    @Override
    public long blockedUntil(String deployment) {
        Long until = blocks.get(deployment);
        return until == null ? 0 : until;
    }

    @Override
    public void block(String deployment, long untilMillis, String why) {
        blocks.merge(deployment, untilMillis, Math::max);
    }

    @Override
    public void unblock(String deployment) {
        blocks.remove(deployment);
    }

    @Override
    public String store() {
        return "local";
    }
}
