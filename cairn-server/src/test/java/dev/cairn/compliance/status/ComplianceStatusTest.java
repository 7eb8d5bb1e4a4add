package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;

/** The status runs every check, and a check that throws fails instead of failing the request. */
class ComplianceStatusTest {

    private static final Instant NOW = Instant.parse("2027-03-01T12:00:00.123456Z");

    @Test
    void aCheckThatThrowsIsReportedFailedWithItsReasonAndTheOthersStillRun() {
        StatusCheck fine = check("fine", () -> { });
        StatusCheck broken = check("broken", () -> {
            throw new IllegalStateException("the archive disk is gone");
        });
        StatusCheck alsoFine = check("also_fine", () -> { });

        ComplianceStatus.Report report = new ComplianceStatus(List.of(fine, broken, alsoFine),
                Clock.fixed(NOW, ZoneOffset.UTC)).run();

        assertThat(report.passed()).isFalse();
        assertThat(report.checkedAt()).isEqualTo(Instant.parse("2027-03-01T12:00:00.123Z"));
        assertThat(report.checks()).extracting(CheckResult::id).containsExactly("fine", "broken", "also_fine");
        assertThat(report.checks()).extracting(CheckResult::passed).containsExactly(true, false, true);
        CheckResult failed = report.checks().get(1);
        assertThat(failed.reason()).contains("the archive disk is gone");
        assertThat(failed.articles()).containsExactly("Test Art. 1");
        assertThat(failed.observed().path("error").asString()).isEqualTo("IllegalStateException");
    }

    @Test
    void passesOnlyWhenEveryCheckPasses() {
        ComplianceStatus status = new ComplianceStatus(List.of(check("a", () -> { }), check("b", () -> { })),
                Clock.systemUTC());

        assertThat(status.run().passed()).isTrue();
    }

    /** A check that passes unless {@code look} throws. */
    private static StatusCheck check(String id, Runnable look) {
        StatusCheck.Duty duty = new StatusCheck.Duty(id, "Check " + id, List.of("Test Art. 1"));
        return new StatusCheck() {
            @Override
            public Duty duty() {
                return duty;
            }

            @Override
            public CheckResult check() {
                look.run();
                return duty.pass("Looked.", JsonBodies.JSON.createObjectNode());
            }
        };
    }
}
