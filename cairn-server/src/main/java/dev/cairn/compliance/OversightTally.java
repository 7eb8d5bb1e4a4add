package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * EU AI Act Art. 14: what humans saw and did. Feedback and annotation answers by kind, the content
 * the guard blocked or flagged, which of those requests a human then gave feedback on, and changes
 * people made to guard policies and annotation queues.
 */
final class OversightTally implements Tally {

    /** Lists of entries stop here; the totals count every one. */
    static final int LISTED = 500;

    private final Counts feedback = new Counts();
    private final Set<String> feedbackKeys = new TreeSet<>();
    private final Counts interventions = new Counts();
    private final List<Long> blocked = new ArrayList<>();
    private final List<Long> flagged = new ArrayList<>();
    private final Set<Long> intervened = new HashSet<>();
    private final Set<Long> reviewedRequests = new TreeSet<>();
    private final List<Long> reviews = new ArrayList<>();
    private long reviewCount;
    private final ArrayNode changes = JsonBodies.JSON.createArrayNode();

    @Override
    public void accept(LoggedEntry entry) {
        String type = entry.type();
        if (GatewayOutcome.isGateway(entry)) {
            GatewayOutcome outcome = GatewayOutcome.of(entry);
            if (outcome.blocked()) {
                interventions.add("blocked");
                keep(blocked, entry.index());
            }
            if (outcome.flagged()) {
                interventions.add("flagged");
                keep(flagged, entry.index());
            }
            if (outcome.redacted()) {
                interventions.add("redacted");
            }
            if (outcome.blocked() || outcome.flagged() || outcome.redacted()) {
                intervened.add(entry.index());
            }
        } else if (type.startsWith("feedback.")) {
            feedback.add(type.substring("feedback.".length()));
            feedbackKeys.add(entry.data().path("given_by").path("key_id").asString(""));
            long cited = entry.data().path("interaction_index").asLong(-1);
            if (intervened.contains(cited)) {
                reviewedRequests.add(cited);
                reviewCount++;
                keep(reviews, entry.index());
            }
        } else if (type.startsWith("admin.guard.policy.") || type.startsWith("annotation.queue.")) {
            if (changes.size() < LISTED) {
                changes.addObject().put("index", entry.index()).put("type", type).put("workspace", entry.workspace());
            }
        }
    }

    /** Lists keep their first {@link #LISTED} entries; the totals count every one. */
    private static void keep(List<Long> list, long index) {
        if (list.size() < LISTED) {
            list.add(index);
        }
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        long first = range.first();
        long last = range.last();
        ObjectNode givers = JsonBodies.JSON.createObjectNode().put("keys", feedbackKeys.size());
        ObjectNode reviewed = JsonBodies.JSON.createObjectNode()
                .put("requests_with_intervention", intervened.size())
                .put("reviewed_by_a_human", reviewedRequests.size());
        reviewed.set("feedback_entries", IndexList.of(reviews, reviewCount));
        return List.of(
                Figure.ofRange("art14.feedback_by_kind", "Human feedback and annotation answers by kind", feedback.toJson(), first, last),
                Figure.ofRange("art14.feedback_givers", "API keys that gave feedback", givers, first, last),
                Figure.ofRange("art14.interventions", "Requests the guard blocked, flagged or redacted", interventions.toJson(), first, last),
                Figure.ofRange("art14.blocked", "Blocked requests (log indexes)", IndexList.of(blocked, interventions.get("blocked")), first, last),
                Figure.ofRange("art14.flagged", "Flagged requests (log indexes)", IndexList.of(flagged, interventions.get("flagged")), first, last),
                Figure.ofRange("art14.reviewed", "Guarded requests a human gave feedback on", reviewed, first, last),
                Figure.ofRange("art14.changes", "Guard policy and annotation queue changes", changes, first, last));
    }

}
