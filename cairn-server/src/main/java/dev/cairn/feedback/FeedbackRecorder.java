package dev.cairn.feedback;

import java.util.List;
import java.util.Optional;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.StoredEntry;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * What other features may do with feedback: record items exactly as {@code POST /v1/feedback} would
 * (so they are audit entries citing the interaction), look up a workspace's metrics, and ask whether
 * an interaction has a value for a metric yet.
 */
@Component
public class FeedbackRecorder {

    private final FeedbackService service;
    private final FeedbackRepository repository;
    private final FeedbackIndexWriter index;
    private final FeedbackMetrics metrics;
    private final AuditRepository log;
    private final EntryStore entries;

    FeedbackRecorder(FeedbackService service, FeedbackRepository repository, FeedbackIndexWriter index,
                     FeedbackMetrics metrics, AuditRepository log, EntryStore entries) {
        this.service = service;
        this.repository = repository;
        this.index = index;
        this.metrics = metrics;
        this.log = log;
        this.entries = entries;
    }

    /** A feedback item in the body shape of {@code POST /v1/feedback}, and the path its errors name. */
    public record Item(ObjectNode body, String param) {
    }

    /** Records {@code items} for {@code principal}, all or none. Returns the log index of each entry. */
    public List<Long> record(Principal principal, List<Item> items) {
        List<FeedbackItem> parsed = items.stream().map(item -> FeedbackItem.read(item.body(), item.param())).toList();
        List<FeedbackRepository.Row> rows = service.prepareAndAppend(principal, parsed);
        index.record(new FeedbackRepository.Recorded(rows, principal.workspace(), null, null));
        return rows.stream().map(FeedbackRepository.Row::logIndex).toList();
    }

    public Optional<Metric> metric(String workspace, String name) {
        return metrics.find(workspace, name);
    }

    /** Whether the request has feedback for {@code metric}, read from the entries that hold it. */
    public boolean hasValue(String workspace, String requestId, String metric) {
        for (FeedbackRepository.Row row : repository.about(workspace, requestId)) {
            if (!row.kind().equals("metric") || !row.requestId().equals(requestId)) {
                continue;
            }
            Optional<StoredEntry> stored = log.findByIndex(row.logIndex());
            if (stored.isPresent()
                    && metric.equals(JsonBodies.JSON.readTree(entries.data(stored.get())).path("data").path("metric").asString(null))) {
                return true;
            }
        }
        return false;
    }
}
