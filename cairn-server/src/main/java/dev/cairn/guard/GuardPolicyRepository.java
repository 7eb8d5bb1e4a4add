package dev.cairn.guard;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code guard_policies} table (admin rules, one row per workspace and scanner) and its
 * {@code guard_policy_version}, which every change raises in its own transaction. Times are epoch
 * milliseconds, UTC.
 */
@Repository
class GuardPolicyRepository {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    GuardPolicyRepository(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    private record Row(String workspace, String scanner, RuleOverride rule, Instant updatedAt, String updatedBy) {
    }

    long version() {
        return jdbc.sql("SELECT version FROM guard_policy_version WHERE id = 1").query(Long.class).single();
    }

    /**
     * Every workspace's rules. The version is read first: rows newer than it only make the next
     * {@link #version()} check load again, whereas the other order could keep rows older than their version.
     */
    PolicyOverrides.Snapshot load() {
        long version = version();
        List<Row> rows = jdbc.sql("SELECT workspace, scanner, action, threshold, updated_at, updated_by FROM guard_policies")
                .query(GuardPolicyRepository::row).list();
        Map<String, List<Row>> byWorkspace = new HashMap<>();
        rows.forEach(row -> byWorkspace.computeIfAbsent(row.workspace(), w -> new ArrayList<>()).add(row));
        Map<String, PolicyOverrides.Workspace> workspaces = new HashMap<>();
        byWorkspace.forEach((workspace, list) -> workspaces.put(workspace, workspace(workspace, list)));
        return new PolicyOverrides.Snapshot(version, workspaces);
    }

    /**
     * Replaces a workspace's rules with {@code rules} (empty: removes them) in one transaction and
     * returns the ones it replaced. The version is raised first, so that on PostgreSQL its row lock
     * makes concurrent changes take turns and each sees the one before it.
     */
    Optional<PolicyOverrides.Workspace> replace(String workspace, Map<String, RuleOverride> rules, String actorKeyId, Instant at) {
        return transactions.execute(status -> {
            jdbc.sql("UPDATE guard_policy_version SET version = version + 1 WHERE id = 1").update();
            List<Row> before = jdbc.sql("SELECT workspace, scanner, action, threshold, updated_at, updated_by FROM guard_policies"
                    + " WHERE workspace = ?").param(workspace).query(GuardPolicyRepository::row).list();
            jdbc.sql("DELETE FROM guard_policies WHERE workspace = ?").param(workspace).update();
            rules.forEach((scanner, rule) -> jdbc.sql("INSERT INTO guard_policies"
                            + " (workspace, scanner, action, threshold, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(workspace, scanner, rule.action() == null ? null : rule.action().wireName(), rule.threshold(),
                            at.toEpochMilli(), actorKeyId)
                    .update());
            return before.isEmpty() ? Optional.<PolicyOverrides.Workspace>empty() : Optional.of(workspace(workspace, before));
        });
    }

    private static PolicyOverrides.Workspace workspace(String workspace, List<Row> rows) {
        Map<String, RuleOverride> rules = new HashMap<>();
        Row latest = rows.getFirst();
        for (Row row : rows) {
            rules.put(row.scanner(), row.rule());
            latest = row.updatedAt().isAfter(latest.updatedAt()) ? row : latest;
        }
        return new PolicyOverrides.Workspace(workspace, rules, latest.updatedAt(), latest.updatedBy());
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        String action = rs.getString("action");
        double threshold = rs.getDouble("threshold");
        Double maybeThreshold = rs.wasNull() ? null : threshold;
        return new Row(rs.getString("workspace"), rs.getString("scanner"),
                new RuleOverride(action == null ? null : Action.parse(action, "guard_policies.action"), maybeThreshold),
                Instant.ofEpochMilli(rs.getLong("updated_at")), rs.getString("updated_by"));
    }
}
