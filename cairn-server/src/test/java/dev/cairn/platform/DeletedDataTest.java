package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Deleted rows leave the database's files: SQLite's zeroed and its log cut to nothing, PostgreSQL's tables vacuumed. */
class DeletedDataTest {

    @TempDir
    Path dir;

    @Test
    void onSqliteADeletedRowIsInNoFileOnceTheLogIsTruncated() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSource(DatabaseConfig.sqlite("jdbc:sqlite:" + dir.resolve("cairn.db"),
                new DatabaseProperties(null, null, null, 4, 4, "FULL")));
        try (HikariDataSource source = new HikariDataSource(config)) {
            JdbcTemplate jdbc = new JdbcTemplate(source);
            jdbc.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
            jdbc.update("INSERT INTO notes (text) VALUES (?)", "kept: the pangolin's ledger");
            jdbc.update("INSERT INTO notes (text) VALUES (?)", "erased: the okapi's secret");
            assertThat(contains("the okapi's secret")).as("written before the erasure").isTrue();

            jdbc.update("DELETE FROM notes WHERE text LIKE 'erased:%'");
            DeletedData.Cleared cleared = deletedData(source).clear(List.of("notes"));

            assertThat(cleared).isEqualTo(new DeletedData.Cleared("sqlite: secure_delete, wal_checkpoint(TRUNCATE)",
                    List.of("notes"), true));
            assertThat(Files.size(dir.resolve("cairn.db-wal"))).isZero();
            assertThat(contains("the okapi's secret")).as("after the erasure").isFalse();
            assertThat(contains("the pangolin's ledger")).as("what was not deleted").isTrue();
        }
    }

    @Test
    void onPostgresqlTheTablesAreVacuumedAndOnlyTableNamesAreTaken() {
        try (TestDatabase db = TestDatabases.postgres()) {
            DeletedData deleted = deletedData(db.source());

            assertThat(deleted.clear(List.of("memory_items", "jobs")))
                    .isEqualTo(new DeletedData.Cleared("postgresql: VACUUM", List.of("jobs", "memory_items"), true));
            assertThatThrownBy(() -> deleted.clear(List.of("jobs; DROP TABLE jobs")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static DeletedData deletedData(DataSource source) {
        Dialect dialect = Dialect.of(source);
        return new DeletedData(dialect, new SqliteCheckpointer(source, dialect, WriteGate.of(dialect)), new JdbcTemplate(source));
    }

    private boolean contains(String text) throws Exception {
        for (Path file : Files.list(dir).toList()) {
            if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
