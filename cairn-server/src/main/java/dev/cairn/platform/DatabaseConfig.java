package dev.cairn.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the one connection pool from {@code cairn.db.*}: SQLite under the data dir when no URL is
 * given (WAL, so readers never wait for the single writer), any JDBC URL otherwise.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

    @Bean
    DataSource dataSource(CairnProperties properties) {
        HikariConfig config = new HikariConfig();
        String url = properties.db().url();
        if (url == null || url.isBlank()) {
            try {
                Files.createDirectories(properties.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create data dir " + properties.dataDir(), e);
            }
            url = "jdbc:sqlite:" + properties.dataDir().resolve("cairn.db");
        }
        config.setJdbcUrl(url);
        config.setUsername(properties.db().username());
        config.setPassword(properties.db().password());
        config.setPoolName("cairn-db");
        if (url.startsWith("jdbc:sqlite:")) {
            // Hikari hands these to the SQLite driver as connection properties. busy_timeout makes a
            // writer that meets another writer wait instead of failing at once. synchronous=FULL
            // (the default) syncs the WAL at every commit, so a committed audit entry survives a
            // power cut, not only a crash; group commit keeps that to one sync per batch.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", sqliteSynchronous(properties.db().sqliteSynchronous()));
            // WAL checkpoints stay SQLite's own (at 1,000 pages, inside the commit that crosses it):
            // checkpointing from a background connection instead let the WAL grow without bound
            // under a constant stream of commits (1.2 GB after 40 s), since it never restarted.
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
            config.setMaximumPoolSize(Math.min(properties.db().poolSize(), 8));
        } else {
            config.setMaximumPoolSize(properties.db().poolSize());
        }
        return new HikariDataSource(config);
    }

    @Bean
    Dialect dialect(DataSource dataSource) {
        return Dialect.of(dataSource);
    }

    private static String sqliteSynchronous(String value) {
        String mode = value == null ? "FULL" : value.strip().toUpperCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("FULL", "NORMAL", "EXTRA").contains(mode)) {
            throw new IllegalStateException("cairn.db.sqlite-synchronous must be FULL, NORMAL or EXTRA, not '" + value + "'");
        }
        return mode;
    }
}
