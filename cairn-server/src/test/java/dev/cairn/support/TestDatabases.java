package dev.cairn.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * Real databases for repository tests: a SQLite file in a temp dir, or a fresh schema in the
 * machine's PostgreSQL ({@code CAIRN_TEST_POSTGRES_URL}, default the local server's {@code test}
 * database). Both are migrated with the same Flyway scripts the server uses. PostgreSQL is required:
 * a missing server fails the test rather than skipping it.
 */
public final class TestDatabases {

    public static final String POSTGRES_URL = System.getenv().getOrDefault("CAIRN_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestDatabases() {
    }

    /** A migrated database; closing it (JUnit also closes parameters) drops what it created, once or twice. */
    public record TestDatabase(String vendor, HikariDataSource dataSource, Runnable cleanup) implements AutoCloseable {
        public DataSource source() {
            return dataSource;
        }

        @Override
        public void close() {
            dataSource.close();
            cleanup.run();
        }

        @Override
        public String toString() {
            return vendor;
        }
    }

    public static TestDatabase sqlite(Path dir) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("cairn-test.db"));
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", "10000");
        config.setMaximumPoolSize(4);
        return migrated("sqlite", new HikariDataSource(config), () -> { });
    }

    public static TestDatabase postgres() {
        String schema = "cairn_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(POSTGRES_URL)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is required for these tests and is not reachable at "
                    + POSTGRES_URL + " (set CAIRN_TEST_POSTGRES_URL): " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(POSTGRES_URL + (POSTGRES_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        config.setMaximumPoolSize(4);
        return migrated("postgresql", new HikariDataSource(config), () -> {
            try (Connection c = DriverManager.getConnection(POSTGRES_URL)) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static TestDatabase migrated(String vendor, HikariDataSource dataSource, Runnable cleanup) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/" + vendor).load().migrate();
        return new TestDatabase(vendor, dataSource, cleanup);
    }
}
