package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.cairn.audit.ErasureParticipant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The erasures check holds every subject.erased entry in the log against the keys and records that remain. */
class ErasuresCheckTest {

    @TempDir
    Path dir;

    @Test
    void passesWhenTheErasedKeysAreGoneAlsoOnceTheSubjectHasANewKey() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.appendPersonal("alice");
            fixture.erase("alice");
            fixture.appendPersonal("alice"); // the subject comes back: a new key, made after the erasure
            fixture.erase("nobody-we-know"); // an erasure that destroyed nothing

            CheckResult result = check(fixture, List.of());

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("erasures").asLong()).isEqualTo(2);
            assertThat(result.observed().path("incomplete_erasures").asLong()).isZero();
        }
    }

    @Test
    void failsNamingTheErasureWhoseSubjectStillHasAKeyFromBeforeIt() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.appendPersonal("alice");
            long erasure = fixture.erase("alice");
            // As a database restored from yesterday's backup would bring it back.
            fixture.jdbc.sql("INSERT INTO audit_data_keys (id, subject_id, workspace, wrapped_key, created_at) VALUES (?, ?, ?, ?, ?)")
                    .params("dk_restored", fixture.subjectId("alice"), StatusCheckFixture.WORKSPACE, new byte[60],
                            Instant.now().minus(Duration.ofDays(1)).toEpochMilli())
                    .update();

            CheckResult result = check(fixture, List.of());

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("incomplete_erasures").asLong()).isEqualTo(1);
            assertThat(result.reason()).contains("entry " + erasure).contains(fixture.subjectId("alice")).contains("dk_restored");
        }
    }

    @Test
    void failsWhenAnErasedKeyStillHoldsKeyMaterial() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.appendPersonal("alice");
            fixture.erase("alice");
            fixture.jdbc.sql("UPDATE audit_data_keys SET wrapped_key = ? WHERE erased_at IS NOT NULL").param(new byte[60]).update();

            CheckResult result = check(fixture, List.of());

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("erased_keys_still_held").asLong()).isEqualTo(1);
        }
    }

    @Test
    void failsListingWhatAParticipantStillOwesForAnErasure() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            long erasure = fixture.erase("alice");
            ErasureParticipant datasets = new ErasureParticipant() {
                @Override
                public String name() {
                    return "datasets";
                }

                @Override
                public List<Holding> erase(Erasure erased) {
                    return List.of();
                }

                @Override
                public List<Owed> owed() {
                    return List.of(new Owed("ds_01", erasure), new Owed("ds_02", erasure));
                }
            };

            CheckResult result = check(fixture, List.of(datasets));

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("owed_records").asLong()).isEqualTo(2);
            assertThat(result.reason()).contains("2 records owed").contains("datasets ds_01 for entry " + erasure)
                    .contains("ds_02");
        }
    }

    private static CheckResult check(StatusCheckFixture fixture, List<ErasureParticipant> participants) {
        return new ErasuresCheck(fixture.repository, fixture.entries, fixture.subjectKeys, participants).check();
    }
}
