package dev.cairn.platform;

import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds the database from {@code cairn.db.*}: SQLite under the data dir when no URL is given (WAL,
 * so readers never wait for the single writer), any JDBC URL otherwise. The server gets two pools
 * behind one {@link DataSource} ({@link LanedDataSource}): requests' connections, and a few reserved
 * for the writers that must not lose what they hold ({@link WriterLane}).
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

    /** How long a SQLite statement waits for another connection's lock before it fails. */
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);

    @Bean(destroyMethod = "close")
    DataSource dataSource(PlatformProperties platform, DatabaseProperties db) {
        HikariDataSource requests = open(platform, db, "cairn-db", db.poolSize());
        try {
            return new LanedDataSource(requests, open(platform, db, "cairn-db-writers", db.writerPoolSize()));
        } catch (RuntimeException e) {
            requests.close();
            throw e;
        }
    }

    /** The pool the server's requests use, for the command line, which opens it without Spring. */
    public static HikariDataSource open(PlatformProperties platform, DatabaseProperties db) {
        return open(platform, db, "cairn-db", db.poolSize());
    }

    private static HikariDataSource open(PlatformProperties platform, DatabaseProperties db, String name, int size) {
        HikariConfig config = new HikariConfig();
        String url = db.url();
        if (url == null || url.isBlank()) {
            DataDirectory.secure(platform.dataDir());
            url = "jdbc:sqlite:" + platform.dataDir().resolve("cairn.db");
        } else {
            DataDirectory.secureIfPresent(platform.dataDir());
        }
        DataDirectory.sqliteFile(url).ifPresent(DataDirectory::createDatabaseFile);
        config.setUsername(db.username());
        config.setPassword(db.password());
        config.setPoolName(name);
        if (url.startsWith("jdbc:sqlite:")) {
            config.setDataSource(sqlite(url, db));
            config.setMaximumPoolSize(Math.min(size, 8));
        } else {
            config.setJdbcUrl(url);
            config.setMaximumPoolSize(size);
        }
        return new HikariDataSource(config);
    }

    @Bean
    Dialect dialect(DataSource dataSource) {
        return Dialect.of(dataSource);
    }

    /** On SQLite, transactions that write take the write lock when they begin; see {@link SqliteTransactionManager}. */
    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource, Dialect dialect) {
        return dialect == Dialect.SQLITE ? new SqliteTransactionManager(dataSource) : new JdbcTransactionManager(dataSource);
    }

    @Bean
    WriteGate writeGate(Dialect dialect) {
        return WriteGate.of(dialect);
    }

    /**
     * SQLite's connections: WAL, so readers never wait for the single writer; synchronous=FULL (the
     * default) syncs the WAL at every commit, so a committed audit entry survives a power cut, not
     * only a crash, and group commit keeps that to one sync per batch. Checkpoints are
     * {@link SqliteCheckpointer}'s, off the commit path; SQLite's own, inside the commit that
     * crosses its threshold, stay as a backstop should that thread fall far behind. A connection
     * that meets another's lock waits for it with {@link SqliteBusyWait}. secure_delete overwrites
     * what a DELETE removes, and pages freed, with zeros, so an erased subject's rows do not linger
     * in the file's free space ({@link DeletedData} then clears the log).
     */
    static DataSource sqlite(String url, DatabaseProperties db) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setPragma(SQLiteConfig.Pragma.SYNCHRONOUS, sqliteSynchronous(db.sqliteSynchronous()));
        sqlite.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, String.valueOf(SqliteCheckpointer.BACKSTOP_PAGES));
        sqlite.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT, String.valueOf(SqliteCheckpointer.WAL_SIZE_LIMIT_BYTES));
        sqlite.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        sqlite.enforceForeignKeys(true);
        SQLiteDataSource source = new SQLiteDataSource(sqlite) {
            @Override
            public SQLiteConnection getConnection(String username, String password) throws SQLException {
                SQLiteConnection connection = super.getConnection(username, password);
                SqliteBusyWait.install(connection, BUSY_TIMEOUT);
                return connection;
            }
        };
        source.setUrl(url);
        return source;
    }

    private static String sqliteSynchronous(String value) {
        String mode = value == null ? "FULL" : value.strip().toUpperCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("FULL", "NORMAL", "EXTRA").contains(mode)) {
            throw new IllegalStateException("cairn.db.sqlite-synchronous must be FULL, NORMAL or EXTRA, not '" + value + "'");
        }
        return mode;
    }
}
