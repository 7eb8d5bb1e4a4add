package dev.cairn.datasets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Where the feedback about a page of requests is in the log, found in one query of the feedback
 * index ({@code feedback}, the feedback feature's table) rather than one per request, which is what
 * made a large build slow. Only the log indexes are read here: the feedback itself is read from those
 * entries, which are the record.
 */
@Repository
class FeedbackIndex {

    private final JdbcClient jdbc;

    FeedbackIndex(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * For each of {@code requestIds} that has any, the log indexes below {@code below} of the feedback
     * naming it (either side of a preference), oldest first.
     */
    Map<String, List<Long>> logIndexes(String workspace, Collection<String> requestIds, long below) {
        if (requestIds.isEmpty()) {
            return Map.of();
        }
        Set<String> wanted = Set.copyOf(requestIds);
        String marks = String.join(", ", Collections.nCopies(wanted.size(), "?"));
        List<Object> params = new ArrayList<>(2 * wanted.size() + 2);
        params.add(workspace);
        params.add(below);
        params.addAll(wanted);
        params.addAll(wanted);
        record Cited(String requestId, String rejectedRequestId, long logIndex) {
        }
        List<Cited> rows = jdbc.sql("SELECT request_id, rejected_request_id, log_index FROM feedback "
                        + "WHERE workspace = ? AND log_index < ? AND (request_id IN (" + marks + ") OR rejected_request_id IN ("
                        + marks + ")) ORDER BY log_index")
                .params(params)
                .query((rs, n) -> new Cited(rs.getString(1), rs.getString(2), rs.getLong(3)))
                .list();
        Map<String, List<Long>> byRequest = new HashMap<>();
        for (Cited row : rows) {
            if (wanted.contains(row.requestId())) {
                byRequest.computeIfAbsent(row.requestId(), id -> new ArrayList<>()).add(row.logIndex());
            }
            String rejected = row.rejectedRequestId();
            if (rejected != null && !rejected.equals(row.requestId()) && wanted.contains(rejected)) {
                byRequest.computeIfAbsent(rejected, id -> new ArrayList<>()).add(row.logIndex());
            }
        }
        return byRequest;
    }
}
