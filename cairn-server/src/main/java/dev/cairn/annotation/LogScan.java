package dev.cairn.annotation;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryFilter;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.StoredEntry;
import dev.cairn.feedback.FeedbackRecorder;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads a workspace's audit log on from a given index for the interactions a queue's filter
 * matches: answered chat completions, oldest first. It only reads; what it found becomes items in
 * the repository's transaction, and only if nobody read the same stretch first.
 */
@Component
class LogScan {

    /** Only answered chat completions are worth annotating. */
    private static final String INTERACTION_TYPE = "gateway.chat.completions";
    private static final int PAGE = 500;

    /** A logged interaction that matches: its request id and log index. */
    record Candidate(String requestId, long logIndex) {
    }

    /**
     * What a scan found, and the index of the last entry it has judged ({@code scannedTo}): every
     * entry up to it has been looked at, so the next scan starts after it.
     */
    record Result(List<Candidate> found, long scannedTo) {
    }

    private final AuditRepository log;
    private final EntryStore entries;
    private final FeedbackRecorder feedback;

    LogScan(AuditRepository log, EntryStore entries, FeedbackRecorder feedback) {
        this.log = log;
        this.entries = entries;
        this.feedback = feedback;
    }

    /**
     * Judges at most {@code maxEntries} of the workspace's interactions after {@code after}, and
     * stops early once {@code maxFound} match.
     */
    Result scan(String workspace, QueueFilter filter, long after, long maxEntries, int maxFound) {
        // Read before the pages: the sequencer commits entries in index order, so every entry up to
        // here is visible to the queries below. A short last page then means nothing up to here is
        // left, and the pointer may pass entries of other workspaces and types that were never read.
        long end = log.size() - 1;
        EntryFilter query = new EntryFilter(filter.since(), filter.until(), INTERACTION_TYPE, workspace, null, null);
        List<Candidate> found = new ArrayList<>();
        long at = after;
        long judged = 0;
        while (judged < maxEntries && found.size() < maxFound) {
            int asked = (int) Math.min(PAGE, maxEntries - judged);
            List<StoredEntry> page = log.list(query, at, asked);
            for (StoredEntry stored : page) {
                if (found.size() == maxFound) {
                    return new Result(found, at);
                }
                at = stored.index();
                judged++;
                if (matches(workspace, filter, stored)) {
                    found.add(new Candidate(stored.eventId(), stored.index()));
                }
            }
            if (page.size() < asked) {
                return new Result(found, Math.max(at, end));
            }
        }
        return new Result(found, at);
    }

    private boolean matches(String workspace, QueueFilter filter, StoredEntry stored) {
        JsonNode data = JsonBodies.JSON.readTree(entries.data(stored)).path("data");
        return data.path("status").asInt() == 200 && filter.matches(data)
                && (filter.missingMetric() == null || !feedback.hasValue(workspace, stored.eventId(), filter.missingMetric()));
    }
}
