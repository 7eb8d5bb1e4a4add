package dev.cairn.compliance.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.cairn.audit.AuditRetention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The retention check reads the hot period and the log's first entry as they are now. */
class RetentionCheckTest {

    @TempDir
    Path dir;

    @Test
    void passesWithTheDefaultHotPeriodAndTheFirstEntryReadable() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            fixture.append("test.event", Instant.now().minus(Duration.ofDays(3)));

            CheckResult result = check(fixture);

            assertThat(result.passed()).as(result.reason()).isTrue();
            assertThat(result.observed().path("hot_period_days").asLong()).isEqualTo(400);
            assertThat(result.observed().path("oldest_index").asLong()).isZero();
            assertThat(result.observed().path("oldest_age_days").asLong()).isEqualTo(3);
            assertThat(result.observed().path("archived_entries").asLong()).isZero();
        }
    }

    @Test
    void failsNamingTheSettingWhenTheHotPeriodIsForcedUnderSixMonths() {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir,
                "cairn.audit.retention.hot-period", "30d", "cairn.audit.retention.force", "true")) {
            CheckResult result = check(fixture);

            assertThat(result.passed()).isFalse();
            assertThat(result.reason()).contains("cairn.audit.retention.hot-period is 30 days")
                    .contains("cairn.audit.retention.force").contains("183d");
            assertThat(result.observed().path("hot_period_days").asLong()).isEqualTo(30);
        }
    }

    @Test
    void readsArchivedEntriesFromTheArchiveAndFailsNamingEntryZeroOnceTheArchiveIsGone() throws IOException {
        try (StatusCheckFixture fixture = StatusCheckFixture.open(dir)) {
            for (int i = 0; i < 300; i++) {
                fixture.append("test.event", Instant.now().minus(Duration.ofDays(i < 256 ? 500 : 1)));
            }
            AuditRetention retention = new AuditRetention(fixture.repository, fixture.archive,
                    new TransactionTemplate(new DataSourceTransactionManager(fixture.dataSource)), fixture.audit);
            assertThat(retention.archiveDue()).isEqualTo(1);

            CheckResult archived = check(fixture);
            assertThat(archived.passed()).as(archived.reason()).isTrue();
            assertThat(archived.reason()).contains("from the archive");
            assertThat(archived.observed().path("archived_entries").asLong()).isEqualTo(256);
            assertThat(archived.observed().path("oldest_age_days").asLong()).isEqualTo(500);

            deleteTree(fixture.archive.root());
            CheckResult lost = check(fixture);

            assertThat(lost.passed()).isFalse();
            assertThat(lost.reason()).contains("Entry 0").contains(fixture.archive.root().toString());
        }
    }

    private static CheckResult check(StatusCheckFixture fixture) {
        return new RetentionCheck(fixture.audit.retention(), fixture.repository, fixture.entries, fixture.archive.root(),
                Clock.systemUTC()).check();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
