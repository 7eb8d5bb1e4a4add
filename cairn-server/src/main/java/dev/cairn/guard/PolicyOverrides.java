package dev.cairn.guard;

import java.time.Instant;
import java.util.Map;

/**
 * The admin layer of the guard policies, the rules set through {@code /admin/guard/policies}, as
 * this process currently sees it. {@link StoredPolicyOverrides} reads it from the database.
 */
public interface PolicyOverrides {

    /** No admin layer: the configured policies alone. */
    PolicyOverrides NONE = () -> Snapshot.EMPTY;

    /** The latest snapshot; a new instance whenever the rules changed, the same one otherwise. */
    Snapshot current();

    /** Every workspace's admin rules, as of one version of the stored rules. */
    record Snapshot(long version, Map<String, Workspace> workspaces) {

        static final Snapshot EMPTY = new Snapshot(0, Map.of());

        public Snapshot {
            workspaces = Map.copyOf(workspaces);
        }
    }

    /** One workspace's admin rules by scanner, and when and by which key they were last set. */
    record Workspace(String workspace, Map<String, RuleOverride> rules, Instant updatedAt, String updatedBy) {

        public Workspace {
            rules = Map.copyOf(rules);
        }
    }
}
