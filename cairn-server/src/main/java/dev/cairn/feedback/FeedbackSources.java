package dev.cairn.feedback;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

/**
 * Where the feedback about requests is in the log, for features that gather it again (datasets):
 * the feedback itself is read from those entries, which are the record, not from this index.
 */
@Component
public class FeedbackSources {

    private final FeedbackRepository repository;

    FeedbackSources(FeedbackRepository repository) {
        this.repository = repository;
    }

    /**
     * For each of {@code requestIds} that has any, the log indexes below {@code below} of the feedback
     * naming it (either side of a preference), oldest first; one query for the lot, since a dataset
     * build asks for a page of requests at a time.
     */
    public Map<String, List<Long>> logIndexes(String workspace, Collection<String> requestIds, long below) {
        if (requestIds.isEmpty()) {
            return Map.of();
        }
        Set<String> wanted = Set.copyOf(requestIds);
        Map<String, List<Long>> byRequest = new HashMap<>();
        for (FeedbackRepository.Citation row : repository.citing(workspace, wanted, below)) {
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
