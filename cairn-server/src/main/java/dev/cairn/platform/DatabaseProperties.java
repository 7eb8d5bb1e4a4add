package dev.cairn.platform;

import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the data lives ({@code cairn.db}): a JDBC URL, or SQLite at {@code <data-dir>/cairn.db}
 * when empty, with SQLite's {@code synchronous} pragma ({@code FULL}, {@code NORMAL} or {@code EXTRA});
 * how many connections requests share, and how many are reserved for the writers ({@code WriterLane}).
 */
@ConfigurationProperties("cairn.db")
public record DatabaseProperties(String url,
                                 String username,
                                 String password,
                                 @DefaultValue("16") int poolSize,
                                 @DefaultValue("4") int writerPoolSize,
                                 @DefaultValue("FULL") String sqliteSynchronous) {

    private static final Set<String> SYNCHRONOUS = Set.of("FULL", "NORMAL", "EXTRA");

    public DatabaseProperties {
        Settings.atLeast("cairn.db.pool-size", poolSize, 1);
        Settings.atLeast("cairn.db.writer-pool-size", writerPoolSize, 2);
        String mode = sqliteSynchronous == null ? "FULL" : sqliteSynchronous.strip().toUpperCase(Locale.ROOT);
        if (!SYNCHRONOUS.contains(mode)) {
            throw Settings.invalid("cairn.db.sqlite-synchronous", "must be FULL, NORMAL or EXTRA, not '" + sqliteSynchronous + "'");
        }
        sqliteSynchronous = mode;
    }
}
