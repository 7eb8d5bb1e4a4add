package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.audit.AuditSequencer;
import dev.cairn.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durability check reads the settings and the database's own sync level, never the code's defaults. */
class DurabilityCheckTest {

    @TempDir
    Path dir;

    @Test
    void passesOnSqliteWithSyncDurabilityAndFullSynchronous() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            CheckResult result = check(fixture, fixture.sequencer);

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("database").asString()).isEqualTo("sqlite");
            assertThat(result.observed().path("sqlite_synchronous").asString()).isEqualTo("FULL");
            assertThat(result.observed().path("sqlite_journal_mode").asString()).isEqualToIgnoringCase("wal");
            assertThat(result.observed().path("durability").asString()).isEqualTo("sync");
        }
    }

    @Test
    void failsNamingTheSettingWhenDurabilityIsAsync() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir, "cairn.audit.durability", "async")) {
            CheckResult result = check(fixture, fixture.sequencer);

            assertThat(result.passed()).isFalse();
            assertThat(result.reason()).contains("cairn.audit.durability is async").contains("cairn.audit.durability=sync");
        }
    }

    @Test
    void failsWhenSqliteDoesNotSyncCommits() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir, "cairn.db.sqlite-synchronous", "NORMAL")) {
            CheckResult result = check(fixture, fixture.sequencer);

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("sqlite_synchronous").asString()).isEqualTo("NORMAL");
            assertThat(result.reason()).contains("synchronous=NORMAL").contains("cairn.db.sqlite-synchronous=FULL");
        }
    }

    @Test
    void failsWhenTheLogHasHalted() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            // The sequencer's own halt needs a disk that fails a sync; what the check reads is halted().
            AuditSequencer halted = new AuditSequencer(fixture.repository, 1) {
                @Override
                public Optional<Exception> halted() {
                    return Optional.of(new IOException("Input/output error syncing cairn.db-wal"));
                }
            };

            CheckResult result = check(fixture, halted);

            assertThat(result.passed()).isFalse();
            assertThat(result.observed().path("halted").asBoolean()).isTrue();
            assertThat(result.reason()).contains("halted").contains("Input/output error").contains("restart Cairn");
        }
    }

    @Test
    void readsSynchronousCommitOnPostgresql() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir);
             HikariDataSource asConfigured = postgresWith(null)) {
            CheckResult on = new DurabilityCheck(fixture.audit, asConfigured, fixture.sequencer).check();
            assertThat(on.passed()).as(on.reason()).isTrue();
            assertThat(on.observed().path("database").asString()).isEqualTo("postgresql");
            assertThat(on.observed().path("synchronous_commit").asString()).isNotEqualTo("off");

            try (HikariDataSource off = postgresWith("synchronous_commit=off")) {
                CheckResult result = new DurabilityCheck(fixture.audit, off, fixture.sequencer).check();

                assertThat(result.passed()).isFalse();
                assertThat(result.observed().path("synchronous_commit").asString()).isEqualTo("off");
                assertThat(result.reason()).contains("synchronous_commit is off");
            }
        }
    }

    /**
     * A pool on the machine's PostgreSQL (required, as for every PostgreSQL test) whose sessions start
     * with {@code setting}, as a role's or database's default would make them; null for the server's own.
     */
    private static HikariDataSource postgresWith(String setting) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.POSTGRES_URL);
        if (setting != null) {
            config.addDataSourceProperty("options", "-c " + setting);
        }
        config.setMaximumPoolSize(1);
        return new HikariDataSource(config);
    }

    private static CheckResult check(StatusCheckFixture fixture, AuditSequencer sequencer) {
        return new DurabilityCheck(fixture.audit, fixture.dataSource, sequencer).check();
    }
}
