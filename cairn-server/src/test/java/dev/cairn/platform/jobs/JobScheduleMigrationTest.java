package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.support.TestDatabases;
import org.flywaydb.core.Flyway;
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
        String schema = "cairn_v19_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        HikariConfig config = new HikariConfig();
        if (vendor.equals("sqlite")) {
            config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("v19.db"));
        } else {
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            String url = TestDatabases.POSTGRES_URL;
            config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        }
        config.setMaximumPoolSize(2);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            String locations = "classpath:db/migration/" + vendor;
            Flyway.configure().dataSource(dataSource).locations(locations).target("17").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            jdbc.sql("INSERT INTO jobs (id, kind, payload, state, max_attempts, run_after, created_at, updated_at)"
                    + " VALUES ('job_old', 'test.old', '{}', 'succeeded', 8, 0, 0, 0)").update();

            var result = Flyway.configure().dataSource(dataSource).locations(locations).load().migrate();

            assertThat(result.success).isTrue();
            assertThat(Integer.parseInt(result.targetSchemaVersion)).isGreaterThanOrEqualTo(19);
            // The later migrations of this release ran on the same database too: reports kept, responses stored.
            assertThat(jdbc.sql("SELECT COUNT(*) FROM compliance_reports").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM stored_responses").query(Long.class).single()).isZero();
            jdbc.sql("INSERT INTO job_schedule_runs (schedule, fire_time, job_id, created_at) VALUES ('s', 1, 'job_old', 2)").update();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM job_schedules").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT j.kind FROM jobs j JOIN job_schedule_runs r ON r.job_id = j.id").query(String.class).single())
                    .isEqualTo("test.old");
        } finally {
            if (vendor.equals("postgresql")) {
                try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
                    c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }
}
