package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.NoteSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoints check verifies the latest signed checkpoint and times how long entries wait for one. */
class CheckpointsCheckTest {

    private static final Duration INTERVAL = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    @Test
    void passesWhenTheLatestCheckpointVerifiesAndCoversTheLog() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            for (int i = 0; i < 300; i++) {
                fixture.append("test.event", Instant.now());
            }
            fixture.checkpoints.publish();

            CheckResult result = check(fixture, Clock.systemUTC());

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("tree_size").asLong()).isEqualTo(300);
            assertThat(result.observed().path("checkpoint_size").asLong()).isEqualTo(300);
            assertThat(result.observed().path("checkpoint_age_s").asLong()).isBetween(0L, 5L);
            assertThat(result.observed().path("interval").asString()).isEqualTo("PT10M");
        }
    }

    @Test
    void failsNamingTheEntryOnceAnUncoveredEntryIsOlderThanTheIntervalAndItsGrace() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.append("test.event", Instant.now());
            fixture.checkpoints.publish();
            long uncovered = fixture.append("test.event", Instant.now());

            CheckResult waiting = check(fixture, Clock.systemUTC());
            assertThat(waiting.passed()).as(waiting.reason()).isTrue();
            assertThat(waiting.reason()).contains("covers 1 of 2 entries");

            Clock later = Clock.offset(Clock.systemUTC(), INTERVAL.plus(CheckpointsCheck.GRACE).plusSeconds(1));
            CheckResult overdue = check(fixture, later);

            assertThat(overdue.passed()).isFalse();
            assertThat(overdue.reason()).contains("Entry " + uncovered).contains("no signed checkpoint covers it");
            assertThat(overdue.observed().path("oldest_uncovered_index").asLong()).isEqualTo(uncovered);
            assertThat(overdue.observed().path("checkpoint_size").asLong()).isEqualTo(1);
        }
    }

    @Test
    void failsWhenTheLatestCheckpointIsNotSignedByTheLogsKey() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.append("test.event", Instant.now());
            fixture.checkpoints.publish();
            fixture.append("test.event", Instant.now());
            // Another key of the same name signs the next checkpoint, of the true tree.
            NoteSigner impostor = NoteSigner.generate(fixture.identity.origin());
            Checkpoint next = new Checkpoint(fixture.identity.origin(), 2, fixture.sequencer.head().rootHash());
            fixture.repository.insertCheckpoint(2, impostor.sign(next.body()), Instant.now());

            CheckResult result = check(fixture, Clock.systemUTC());

            assertThat(result.passed()).isFalse();
            assertThat(result.reason()).contains("does not verify with the log's key " + fixture.identity.origin());
        }
    }

    private static CheckResult check(StatusCheckFixture fixture, Clock clock) {
        return new CheckpointsCheck(fixture.repository, fixture.identity, INTERVAL, clock).check();
    }
}
