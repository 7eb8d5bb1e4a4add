package dev.cairn.platform;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Makes rows just deleted leave the database's files, not only its tables. On SQLite the pool's
 * connections run with {@code secure_delete} (the database file's copy is overwritten with zeros
 * as it is deleted), so what is left is the write-ahead log, whose older frames still hold the pages
 * as they were: a TRUNCATE checkpoint copies the log into the file and cuts it to nothing. On
 * PostgreSQL a DELETE leaves dead tuples in the table's pages until they are vacuumed: each table
 * named is vacuumed (outside any transaction, as VACUUM must be). That is the nearest PostgreSQL
 * comes; the bytes of a vacuumed tuple may stay in the page's free space until overwritten, and in
 * WAL segments and base backups until they are recycled (docs/privacy.md).
 */
@Component
public class DeletedData {

    private static final Logger log = LoggerFactory.getLogger(DeletedData.class);
    /** How long the checkpoint waits for readers of older log frames to finish. */
    static final Duration CHECKPOINT_PATIENCE = Duration.ofSeconds(5);
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    /** What was done: how ({@code sqlite: …} or {@code postgresql: …}) and whether it finished. */
    public record Cleared(String method, List<String> tables, boolean complete) {
    }

    private final Dialect dialect;
    private final SqliteCheckpointer checkpointer;
    private final JdbcTemplate jdbc;

    public DeletedData(Dialect dialect, SqliteCheckpointer checkpointer, JdbcTemplate jdbc) {
        this.dialect = dialect;
        this.checkpointer = checkpointer;
        this.jdbc = jdbc;
    }

    /** After rows of {@code tables} were deleted (and committed): takes their old copies out of the files. */
    public Cleared clear(Collection<String> tables) {
        List<String> names = List.copyOf(new TreeSet<>(tables));
        for (String table : names) {
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalArgumentException("not a table name: " + table);
            }
        }
        if (dialect == Dialect.SQLITE) {
            boolean truncated = checkpointer.truncate(CHECKPOINT_PATIENCE);
            if (!truncated) {
                log.warn("The SQLite log could not be truncated after an erasure: a reader held on; it clears at a later full checkpoint");
            }
            return new Cleared("sqlite: secure_delete, wal_checkpoint(TRUNCATE)", names, truncated);
        }
        boolean complete = true;
        for (String table : names) {
            try {
                jdbc.execute("VACUUM " + table);
            } catch (RuntimeException e) {
                complete = false;
                log.warn("VACUUM {} after an erasure failed; autovacuum clears it later: {}", table, e.toString());
            }
        }
        return new Cleared("postgresql: VACUUM", names, complete);
    }
}
