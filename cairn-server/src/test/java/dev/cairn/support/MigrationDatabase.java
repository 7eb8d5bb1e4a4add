package dev.cairn.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An empty database for a migration test: a SQLite file in {@code dir} or a schema of its own on the
 * machine's PostgreSQL (dropped on close), migrated by Cairn's own scripts up to a version, so a test
 * can put in rows as an older release left them and migrate on.
 */
public final class MigrationDatabase implements AutoCloseable {

    private final String vendor;
    private final String schema;
    private final HikariDataSource dataSource;

    private MigrationDatabase(String vendor, String schema, HikariDataSource dataSource) {
        this.vendor = vendor;
        this.schema = schema;
        this.dataSource = dataSource;
    }

    /** {@code vendor} is {@code sqlite} or {@code postgresql}, as the migration folders are named. */
    public static MigrationDatabase create(String vendor, Path dir) throws SQLException {
        String schema = "cairn_migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        HikariConfig config = new HikariConfig();
        if (vendor.equals("sqlite")) {
            config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("migration.db"));
        } else {
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            String url = TestDatabases.POSTGRES_URL;
            config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        }
        config.setMaximumPoolSize(2);
        return new MigrationDatabase(vendor, schema, new HikariDataSource(config));
    }

    /** Migrates up to {@code version}, or to the newest when it is null. */
    public MigrateResult migrate(String version) {
        var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/" + vendor);
        return (version == null ? flyway : flyway.target(version)).load().migrate();
    }

    /** The pool itself, for a test that builds a repository over the migrated database. */
    public javax.sql.DataSource source() {
        return dataSource;
    }

    public JdbcClient jdbc() {
        return JdbcClient.create(dataSource);
    }

    @Override
    public void close() throws SQLException {
        dataSource.close();
        if (vendor.equals("postgresql")) {
            try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
