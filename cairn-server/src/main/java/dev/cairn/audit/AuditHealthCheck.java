package dev.cairn.audit;

import dev.cairn.platform.Health;
import dev.cairn.platform.HealthCheck;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Readiness of the audit log. A halted log refuses every request that must be recorded, so Cairn
 * is not ready until it is restarted.
 */
@Component
@Order(400)
class AuditHealthCheck implements HealthCheck {

    private final AuditSequencer sequencer;

    AuditHealthCheck(AuditSequencer sequencer) {
        this.sequencer = sequencer;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Health check() {
        if (sequencer.halted().isEmpty()) {
            return Health.of(Health.Status.UP);
        }
        // Public endpoint: the cause (a file path, an errno) stays in the server log.
        return Health.of(Health.Status.DOWN).with("error", "halted: a commit could not be made durable; see the server log");
    }
}
