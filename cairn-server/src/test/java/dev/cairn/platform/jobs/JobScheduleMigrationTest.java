package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.cairn.support.MigrationDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A database of the release before (at V17) migrates to this one's, V19's job schedules included, on SQLite and PostgreSQL. */
class JobScheduleMigrationTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDatabaseAtV17MigratesToTheNewestVersion(String vendor) throws Exception {
        try (MigrationDatabase database = MigrationDatabase.create(vendor, dir)) {
            database.migrate("17");
            JdbcClient jdbc = database.jdbc();
            jdbc.sql("INSERT INTO jobs (id, kind, payload, state, max_attempts, run_after, created_at, updated_at)"
                    + " VALUES ('job_old', 'test.old', '{}', 'succeeded', 8, 0, 0, 0)").update();

            var result = database.migrate(null);

            assertThat(result.success).isTrue();
            assertThat(Integer.parseInt(result.targetSchemaVersion)).isGreaterThanOrEqualTo(19);
            // The later migrations of this release ran on the same database too: reports kept, responses stored.
            assertThat(jdbc.sql("SELECT COUNT(*) FROM compliance_reports").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM stored_responses").query(Long.class).single()).isZero();
            jdbc.sql("INSERT INTO job_schedule_runs (schedule, fire_time, job_id, created_at) VALUES ('s', 1, 'job_old', 2)").update();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM job_schedules").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT j.kind FROM jobs j JOIN job_schedule_runs r ON r.job_id = j.id").query(String.class).single())
                    .isEqualTo("test.old");
        }
    }
}
