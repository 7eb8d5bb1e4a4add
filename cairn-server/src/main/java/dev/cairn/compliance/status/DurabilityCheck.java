package dev.cairn.compliance.status;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditSequencer;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.JsonBodies;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * No recorded event is lost: the log is on, answers wait for their entry's commit, the database
 * really puts a commit on disk before it returns, and the log has not halted on a failed sync. The
 * database's settings are read from the database itself, as the audit writer's connection gets them.
 */
@Component
@Order(2)
class DurabilityCheck implements StatusCheck {

    private static final Duty DUTY = new Duty("durability", "No recorded event is lost", List.of("EU AI Act Art. 12"));
    /** SQLite's {@code PRAGMA synchronous} levels, by number. */
    private static final List<String> SQLITE_LEVELS = List.of("OFF", "NORMAL", "FULL", "EXTRA");

    private final AuditProperties audit;
    private final DataSource dataSource;
    private final AuditSequencer sequencer;

    DurabilityCheck(AuditProperties audit, DataSource dataSource, AuditSequencer sequencer) {
        this.audit = audit;
        this.dataSource = dataSource;
        this.sequencer = sequencer;
    }

    @Override
    public Duty duty() {
        return DUTY;
    }

    @Override
    public CheckResult check() {
        List<String> problems = new ArrayList<>();
        ObjectNode observed = JsonBodies.JSON.createObjectNode();
        observed.put("enabled", audit.enabled());
        observed.put("durability", audit.durability().name().toLowerCase(Locale.ROOT));
        if (!audit.enabled()) {
            problems.add("cairn.audit.enabled is false, so no event is recorded at all: set it to true.");
        }
        if (audit.durability() != AuditProperties.Durability.SYNC) {
            problems.add("cairn.audit.durability is async: answers go out before their entries are committed, so a "
                    + "crash loses the last ones; set cairn.audit.durability=sync.");
        }
        try (Connection connection = dataSource.getConnection()) {
            Dialect dialect = Dialect.of(connection);
            observed.put("database", dialect.name().toLowerCase(Locale.ROOT));
            switch (dialect) {
                case SQLITE -> sqlite(connection, observed, problems);
                case POSTGRESQL -> postgresql(connection, observed, problems);
            }
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("cannot read the database's durability settings", e);
        }
        Optional<Exception> halted = sequencer.halted();
        observed.put("halted", halted.isPresent());
        halted.ifPresent(cause -> problems.add("The audit log has halted: the disk failed to sync a commit ("
                + cause.getMessage() + "), so no entry is taken and no checkpoint signed; restart Cairn once the disk works."));

        if (!problems.isEmpty()) {
            return DUTY.fail(String.join(" ", problems), observed);
        }
        return DUTY.pass("Every answer waits for its entry's commit, and the database syncs each commit to disk.", observed);
    }

    /**
     * The audit writer takes its connection from this pool, which opens every connection at the
     * configured level; at FULL or EXTRA the writer commits at NORMAL and syncs the log file itself
     * after each commit (WalSync), at NORMAL or OFF nothing syncs a commit.
     */
    private static void sqlite(Connection connection, ObjectNode observed, List<String> problems) throws SQLException {
        int level;
        String journal;
        String file;
        try (Statement statement = connection.createStatement()) {
            level = intValue(statement, "PRAGMA synchronous");
            journal = stringValue(statement, "PRAGMA journal_mode");
            try (ResultSet rs = statement.executeQuery("PRAGMA database_list")) {
                file = rs.next() ? rs.getString("file") : null;
            }
        }
        String name = level >= 0 && level < SQLITE_LEVELS.size() ? SQLITE_LEVELS.get(level) : Integer.toString(level);
        observed.put("sqlite_synchronous", name);
        observed.put("sqlite_journal_mode", journal);
        if (file == null || file.isEmpty()) {
            problems.add("The SQLite database is in memory, so every entry is lost when Cairn stops: leave cairn.db.url "
                    + "empty or point it at a file.");
        } else if (level < 2) {
            problems.add("SQLite runs with synchronous=" + name + ", so the audit log's commits are not synced to disk "
                    + "and a power cut can take the last ones: set cairn.db.sqlite-synchronous=FULL.");
        }
    }

    private static void postgresql(Connection connection, ObjectNode observed, List<String> problems) throws SQLException {
        String synchronousCommit;
        String fsync;
        try (Statement statement = connection.createStatement()) {
            synchronousCommit = stringValue(statement, "SHOW synchronous_commit");
            fsync = stringValue(statement, "SHOW fsync");
        }
        observed.put("synchronous_commit", synchronousCommit);
        observed.put("fsync", fsync);
        if ("off".equalsIgnoreCase(synchronousCommit)) {
            problems.add("PostgreSQL's synchronous_commit is off for Cairn's connections, so a commit returns before it "
                    + "is on disk and a crash can lose it: set synchronous_commit to on (postgresql.conf, or ALTER ROLE "
                    + "or ALTER DATABASE where it was turned off).");
        }
        if ("off".equalsIgnoreCase(fsync)) {
            problems.add("PostgreSQL runs with fsync off, so nothing it commits is sure to reach the disk: set fsync = on "
                    + "in postgresql.conf.");
        }
    }

    private static int intValue(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : -1;
        }
    }

    private static String stringValue(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
