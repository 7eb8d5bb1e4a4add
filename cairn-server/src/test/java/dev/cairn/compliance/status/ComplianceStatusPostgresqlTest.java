package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.cairn.access.ApiKey;
import dev.cairn.access.ApiKeyRepository;
import dev.cairn.access.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every check's queries run on PostgreSQL as on SQLite: a sound log passes, broken key tables fail. */
class ComplianceStatusPostgresqlTest {

    @TempDir
    Path dir;

    @Test
    void theChecksPassOnASoundLogAndFailOnWhatTheKeyTablesReallyHold() {
        try (StatusCheckFixture fixture = StatusCheckFixture.onPostgresql(dir)) {
            fixture.appendPersonal("alice");
            fixture.erase("alice");
            fixture.appendPersonal("bob");
            fixture.checkpoints.publish();
            ComplianceStatus status = status(fixture);

            ComplianceStatus.Report sound = status.run();

            assertThat(sound.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.id() + ": " + check.reason()).isTrue());
            assertThat(sound.checks().get(1).observed().path("database").asString()).isEqualTo("postgresql");

            new ApiKeyRepository(fixture.jdbc).insert(new ApiKey("key_in_the_clear", "ck_" + "A".repeat(43), "ck_AAAAA…",
                    StatusCheckFixture.WORKSPACE, "leaked", Role.USER, List.of(), Instant.now(), null, null));
            fixture.jdbc.sql("INSERT INTO audit_data_keys (id, subject_id, workspace, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)")
                    .params("dk_restored", fixture.subjectId("alice"), StatusCheckFixture.WORKSPACE, new byte[32],
                            Instant.now().minus(Duration.ofDays(1)).toEpochMilli())
                    .update();

            ComplianceStatus.Report broken = status.run();

            assertThat(broken.passed()).isFalse();
            CheckResult keys = broken.checks().get(3);
            assertThat(keys.passed()).isFalse();
            assertThat(keys.observed().path("data_keys_not_wrapped").asLong()).isEqualTo(1);
            assertThat(keys.reason()).contains("key_in_the_clear");
            CheckResult erasures = broken.checks().get(4);
            assertThat(erasures.passed()).isFalse();
            assertThat(erasures.reason()).contains("dk_restored");
        }
    }

    private static ComplianceStatus status(StatusCheckFixture fixture) {
        return new ComplianceStatus(List.of(
                new RetentionCheck(fixture.audit.retention(), fixture.repository, fixture.entries, fixture.archive.root(),
                        Clock.systemUTC()),
                new DurabilityCheck(fixture.audit, fixture.dataSource, fixture.sequencer),
                new CheckpointsCheck(fixture.repository, fixture.identity, fixture.audit.checkpointInterval(), Clock.systemUTC()),
                new KeysSealedCheck(fixture.audit, fixture.keyFiles, fixture.platform, fixture.database, fixture.subjectKeys, new ApiKeyRepository(fixture.jdbc)),
                new ErasuresCheck(fixture.repository, fixture.entries, fixture.subjectKeys, List.of())));
    }
}
