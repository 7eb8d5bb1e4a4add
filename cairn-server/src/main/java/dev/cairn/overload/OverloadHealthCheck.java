package dev.cairn.overload;

import java.util.concurrent.TimeUnit;

import dev.cairn.platform.Health;
import dev.cairn.platform.HealthCheck;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Readiness of the door: DEGRADED while Cairn has refused requests within the last
 * {@link #RECENT_SECONDS} seconds (it still answers what it lets in, so it stays ready), with the
 * limit, the requests in flight and the count refused since start.
 */
@Component
@Order(500)
class OverloadHealthCheck implements HealthCheck {

    static final long RECENT_SECONDS = 10;

    private final OverloadGate gate;

    OverloadHealthCheck(OverloadGate gate) {
        this.gate = gate;
    }

    @Override
    public String name() {
        return "overload";
    }

    @Override
    public Health check() {
        if (!gate.enabled()) {
            return Health.of(Health.Status.DISABLED);
        }
        boolean shedding = gate.sinceLastShedNanos() < TimeUnit.SECONDS.toNanos(RECENT_SECONDS);
        return Health.of(shedding ? Health.Status.DEGRADED : Health.Status.UP)
                .with("overloaded", Boolean.toString(shedding))
                .with("limit", Integer.toString(gate.limit()))
                .with("in_flight", Integer.toString(gate.inFlight()))
                .with("shed", Long.toString(gate.shed()));
    }
}
