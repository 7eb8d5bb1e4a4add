package dev.cairn.compliance.status;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs every {@link StatusCheck} now, in their {@code @Order}. A check that throws is reported as
 * failed with the exception's message: a check that cannot look has not shown the duty is met, and
 * one broken check must not hide the others' answers.
 */
@Component
public class ComplianceStatus {

    private static final Logger log = LoggerFactory.getLogger(ComplianceStatus.class);

    /** Every check's result at {@code checkedAt}; it passes only when each check does. */
    public record Report(Instant checkedAt, List<CheckResult> checks) {

        public Report {
            checks = List.copyOf(checks);
        }

        public boolean passed() {
            return checks.stream().allMatch(CheckResult::passed);
        }
    }

    private final List<StatusCheck> checks;
    private final Clock clock;

    @Autowired
    public ComplianceStatus(List<StatusCheck> checks) {
        this(checks, Clock.systemUTC());
    }

    ComplianceStatus(List<StatusCheck> checks, Clock clock) {
        this.checks = List.copyOf(checks);
        this.clock = clock;
    }

    public Report run() {
        Instant checkedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new Report(checkedAt, checks.stream().map(ComplianceStatus::run).toList());
    }

    /** One check's result now, by its id ({@code retention}, {@code keys_sealed}, ...). */
    public CheckResult run(String id) {
        return checks.stream().filter(c -> c.duty().id().equals(id)).findFirst().map(ComplianceStatus::run)
                .orElseThrow(() -> new IllegalArgumentException("no compliance check '" + id + "'"));
    }

    private static CheckResult run(StatusCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            log.warn("The compliance check '{}' could not complete", check.duty().id(), e);
            ObjectNode observed = JsonBodies.JSON.createObjectNode();
            observed.put("error", e.getClass().getSimpleName());
            String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return check.duty().fail("The check could not complete, so the duty is not shown to be met: " + message
                    + ". The server log has the details.", observed);
        }
    }
}
