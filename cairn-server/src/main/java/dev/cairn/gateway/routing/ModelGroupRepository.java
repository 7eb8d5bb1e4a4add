package dev.cairn.gateway.routing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.cairn.platform.JsonBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code model_groups} table (groups set by admins, each as the API's JSON) and its
 * {@code model_group_version}, which every change raises in its own transaction. Times are epoch
 * milliseconds, UTC.
 */
@Repository
class ModelGroupRepository {

    private static final Logger log = LoggerFactory.getLogger(ModelGroupRepository.class);
    private static final String COLUMNS = "name, spec, updated_at, updated_by";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    ModelGroupRepository(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** One group an admin set, and the last change to it. */
    record Stored(String name, RoutingProperties.GroupSpec spec, Instant updatedAt, String updatedBy) {
    }

    /** Every stored group, oldest first, as of {@code version}; {@code snapshot} is what routing reads. */
    record Loaded(long version, Map<String, Stored> groups, StoredGroups.Snapshot snapshot) {

        static Loaded of(long version, Map<String, Stored> groups) {
            Map<String, RoutingProperties.GroupSpec> specs = new LinkedHashMap<>();
            groups.forEach((name, stored) -> specs.put(name, stored.spec()));
            return new Loaded(version, Collections.unmodifiableMap(new LinkedHashMap<>(groups)),
                    new StoredGroups.Snapshot(version, Collections.unmodifiableMap(specs)));
        }
    }

    long version() {
        return jdbc.sql("SELECT version FROM model_group_version WHERE id = 1").query(Long.class).single();
    }

    /**
     * Every stored group. The version is read first: rows newer than it only make the next
     * {@link #version()} check load again, whereas the other order could keep rows older than their version.
     */
    Loaded load() {
        long version = version();
        return Loaded.of(version, rows());
    }

    /**
     * Sets ({@code spec} not null) or removes the group {@code name} in one transaction and returns
     * the one it replaced. {@code check} sees every stored group as the change leaves them, read
     * within the transaction, and throws to refuse the change. The version is raised first, so that
     * on PostgreSQL its row lock (on SQLite, the write lock) makes concurrent changes take turns
     * and each is checked against the one before it.
     */
    Optional<Stored> change(String name, RoutingProperties.GroupSpec spec, String actorKeyId, Instant at,
                            Consumer<Map<String, RoutingProperties.GroupSpec>> check) {
        return transactions.execute(status -> {
            jdbc.sql("UPDATE model_group_version SET version = version + 1 WHERE id = 1").update();
            Map<String, Stored> rows = rows();
            Stored before = rows.get(name);
            Map<String, RoutingProperties.GroupSpec> after = new LinkedHashMap<>();
            rows.forEach((n, stored) -> after.put(n, stored.spec()));
            if (spec == null) {
                after.remove(name);
            } else {
                after.put(name, spec);
            }
            check.accept(after);
            if (spec == null) {
                jdbc.sql("DELETE FROM model_groups WHERE name = ?").param(name).update();
            } else if (before == null) {
                jdbc.sql("INSERT INTO model_groups (name, spec, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)")
                        .params(name, GroupJson.spec(spec).toString(), at.toEpochMilli(), at.toEpochMilli(), actorKeyId)
                        .update();
            } else {
                jdbc.sql("UPDATE model_groups SET spec = ?, updated_at = ?, updated_by = ? WHERE name = ?")
                        .params(GroupJson.spec(spec).toString(), at.toEpochMilli(), actorKeyId, name).update();
            }
            return Optional.ofNullable(before);
        });
    }

    /** The stored groups, oldest first; one whose JSON no longer reads is left out, and logged. */
    private Map<String, Stored> rows() {
        List<Row> rows = jdbc.sql("SELECT " + COLUMNS + " FROM model_groups ORDER BY created_at, name")
                .query(ModelGroupRepository::row).list();
        Map<String, Stored> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            try {
                groups.put(row.name(), new Stored(row.name(), GroupJson.parse(row.name(), JsonBodies.JSON.readTree(row.spec())),
                        row.updatedAt(), row.updatedBy()));
            } catch (RuntimeException e) {
                // Only a hand-edited row gets here: the API stores what it can read back.
                log.error("The stored model group '{}' cannot be read and is left out: {}", row.name(), e.getMessage());
            }
        }
        return groups;
    }

    private record Row(String name, String spec, Instant updatedAt, String updatedBy) {
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getString("name"), rs.getString("spec"), Instant.ofEpochMilli(rs.getLong("updated_at")),
                rs.getString("updated_by"));
    }
}
