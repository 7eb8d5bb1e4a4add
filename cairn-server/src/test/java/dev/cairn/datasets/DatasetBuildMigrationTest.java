package dev.cairn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.support.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V12 on a database of the release before it, where builds ran within their request: a version left
 * {@code building} there has no job to finish it, so it becomes {@code failed} and loses its partial
 * rows, while a built one is untouched. On SQLite and PostgreSQL.
 */
class DatasetBuildMigrationTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aVersionLeftBuildingByAnInRequestBuildIsFailedAndABuiltOneKept(String vendor) throws Exception {
        String schema = "cairn_v12_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        HikariConfig config = new HikariConfig();
        if (vendor.equals("sqlite")) {
            config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("v12.db"));
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
            Flyway.configure().dataSource(dataSource).locations(locations).target("11").load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            for (String[] version : List.of(new String[] {"ds_half", "building"}, new String[] {"ds_done", "built"})) {
                jdbc.sql("INSERT INTO datasets (id, workspace, key_id, filter, state, row_count, skipped, feedback_count, "
                                + "checkpoint_size, checkpoint_note, created_at) VALUES (?, 'ws', NULL, '{}', ?, 1, 0, 0, 10, 'note', 0)")
                        .params(version[0], version[1]).update();
                jdbc.sql("INSERT INTO dataset_rows (dataset_id, ordinal, interaction_index, subject_id, data) VALUES (?, 0, 3, NULL, ?)")
                        .params(version[0], new byte[] {'{', '}'}).update();
            }

            Flyway.configure().dataSource(dataSource).locations(locations).load().migrate();

            assertThat(jdbc.sql("SELECT state || ' ' || error_code FROM datasets WHERE id = 'ds_half'").query(String.class).single())
                    .isEqualTo("failed build_interrupted");
            assertThat(jdbc.sql("SELECT error FROM datasets WHERE id = 'ds_half'").query(String.class).single())
                    .contains("build it again");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM dataset_rows WHERE dataset_id = 'ds_half'").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT state FROM datasets WHERE id = 'ds_done'").query(String.class).single()).isEqualTo("built");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM dataset_rows WHERE dataset_id = 'ds_done'").query(Long.class).single()).isOne();
            assertThat(jdbc.sql("SELECT scanned_through FROM datasets WHERE id = 'ds_done'").query(Long.class).single()).isEqualTo(-1);
        } finally {
            if (vendor.equals("postgresql")) {
                try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
                    c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }
}
