package dev.cairn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import dev.cairn.support.MigrationDatabase;
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
        try (MigrationDatabase database = MigrationDatabase.create(vendor, dir)) {
            database.migrate("11");
            JdbcClient jdbc = database.jdbc();
            for (String[] version : List.of(new String[] {"ds_half", "building"}, new String[] {"ds_done", "built"})) {
                jdbc.sql("INSERT INTO datasets (id, workspace, key_id, filter, state, row_count, skipped, feedback_count, "
                                + "checkpoint_size, checkpoint_note, created_at) VALUES (?, 'ws', NULL, '{}', ?, 1, 0, 0, 10, 'note', 0)")
                        .params(version[0], version[1]).update();
                jdbc.sql("INSERT INTO dataset_rows (dataset_id, ordinal, interaction_index, subject_id, data) VALUES (?, 0, 3, NULL, ?)")
                        .params(version[0], new byte[] {'{', '}'}).update();
            }

            database.migrate(null);

            assertThat(jdbc.sql("SELECT state || ' ' || error_code FROM datasets WHERE id = 'ds_half'").query(String.class).single())
                    .isEqualTo("failed build_interrupted");
            assertThat(jdbc.sql("SELECT error FROM datasets WHERE id = 'ds_half'").query(String.class).single())
                    .contains("build it again");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM dataset_rows WHERE dataset_id = 'ds_half'").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("SELECT state FROM datasets WHERE id = 'ds_done'").query(String.class).single()).isEqualTo("built");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM dataset_rows WHERE dataset_id = 'ds_done'").query(Long.class).single()).isOne();
            assertThat(jdbc.sql("SELECT scanned_through FROM datasets WHERE id = 'ds_done'").query(Long.class).single()).isEqualTo(-1);
        }
    }
}
