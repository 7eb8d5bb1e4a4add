package dev.cairn.cli;

import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.platform.DatabaseConfig;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The server's database, opened by a command: the same pool and SQLite settings as the server's,
 * migrated as the server migrates at start, so that a command works on a data dir no server has
 * opened yet.
 */
final class OfflineDatabase implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final JdbcClient jdbc;
    private final WriteGate gate;

    private OfflineDatabase(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.gate = WriteGate.of(Dialect.of(dataSource));
    }

    static OfflineDatabase open(OfflineSettings settings) {
        HikariDataSource dataSource = DatabaseConfig.open(settings.platform(), settings.database());
        try {
            String vendor = Dialect.of(dataSource).name().toLowerCase(Locale.ROOT);
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(settings.migrationLocations(vendor).toArray(String[]::new))
                    .load()
                    .migrate();
            return new OfflineDatabase(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    HikariDataSource dataSource() {
        return dataSource;
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    WriteGate gate() {
        return gate;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
