package dev.cairn.memory;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Which items a listing or a recall may return: within a thread, of some kinds, occurred since a
 * time, with or without retired (superseded) items. Null or empty fields do not narrow.
 */
public record ItemFilter(String threadId, Set<ItemKind> kinds, Instant since, boolean includeRetired) {

    public static final ItemFilter LIVE = new ItemFilter(null, Set.of(), null, false);

    public ItemFilter {
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    }

    /** Whether an item with these attributes passes (the vector index filters in memory). */
    public boolean accepts(String itemThread, ItemKind kind, long occurredAtMillis, boolean retired) {
        return (threadId == null || threadId.equals(itemThread))
                && (kinds.isEmpty() || kinds.contains(kind))
                && (since == null || occurredAtMillis >= since.toEpochMilli())
                && (includeRetired || !retired);
    }

    void appendTo(StringBuilder sql, List<Object> params) {
        appendTo(sql, params, "");
    }

    void appendTo(StringBuilder sql, List<Object> params, String alias) {
        if (threadId != null) {
            sql.append(" AND ").append(alias).append("thread_id = ?");
            params.add(threadId);
        }
        if (!kinds.isEmpty()) {
            sql.append(" AND ").append(alias).append("kind IN (")
                    .append(String.join(", ", Collections.nCopies(kinds.size(), "?"))).append(')');
            kinds.stream().map(ItemKind::wireName).sorted().forEach(params::add);
        }
        if (since != null) {
            sql.append(" AND ").append(alias).append("occurred_at >= ?");
            params.add(since.toEpochMilli());
        }
        if (!includeRetired) {
            sql.append(" AND ").append(alias).append("retired_at IS NULL");
        }
    }
}
