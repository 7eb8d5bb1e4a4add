package dev.cairn.feedback;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.MasterKey;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns feedback into audit entries that cite the interaction they are about. A batch is checked
 * whole against the log before anything is recorded, so that one bad item records none.
 */
@Service
class FeedbackService {

    /** A request's entry as the log holds it: where it is, and its parsed canonical form. */
    private record Interaction(StoredEntry stored, JsonNode entry) {

        JsonNode data() {
            return entry.path("data");
        }
    }

    /** An item checked against the log, ready to record. */
    private record Prepared(AuditEvent event, String subjectId, FeedbackRepository.Row row) {
    }

    private final AuditRepository log;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final AuditLog auditLog;
    private final MasterKey masterKey;
    private final FeedbackMetrics metrics;
    private final FeedbackRepository repository;

    FeedbackService(AuditRepository log, EntryStore entries, SealedContent sealed, AuditLog auditLog, MasterKey masterKey,
                    FeedbackMetrics metrics, FeedbackRepository repository) {
        this.log = log;
        this.entries = entries;
        this.sealed = sealed;
        this.auditLog = auditLog;
        this.masterKey = masterKey;
        this.metrics = metrics;
        this.repository = repository;
    }

    /** Checks every item, then records them in order; returns their rows, as stored. */
    List<FeedbackRepository.Row> prepareAndAppend(Principal principal, List<FeedbackItem> items) {
        List<Prepared> prepared = new ArrayList<>();
        for (FeedbackItem item : items) {
            prepared.add(prepare(principal, item));
        }
        List<CompletableFuture<Long>> appended = new ArrayList<>();
        for (Prepared p : prepared) {
            appended.add(auditLog.appendUnder(p.subjectId(), p.event()));
        }
        List<FeedbackRepository.Row> rows = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            FeedbackRepository.Row draft = prepared.get(i).row();
            rows.add(new FeedbackRepository.Row(draft.id(), draft.workspace(), draft.requestId(), draft.rejectedRequestId(),
                    draft.kind(), draft.interactionIndex(), committed(appended.get(i)), draft.createdAt()));
        }
        return rows;
    }

    /** The feedback about one of the caller's requests, with its sealed text opened. */
    List<ObjectNode> about(Principal principal, String requestId) {
        interaction(principal, requestId, "request_id");
        List<ObjectNode> out = new ArrayList<>();
        for (FeedbackRepository.Row row : repository.about(principal.workspace(), requestId)) {
            StoredEntry stored = log.findByIndex(row.logIndex()).orElse(null);
            if (stored == null) {
                continue; // pruned by retention: the log no longer holds it
            }
            JsonNode entry = JsonBodies.JSON.readTree(entries.data(stored));
            ObjectNode item = JsonBodies.JSON.createObjectNode();
            item.put("id", row.id());
            item.put("object", "feedback");
            item.put("kind", row.kind());
            item.put("log_index", row.logIndex());
            item.put("created_at", entry.path("time").asString());
            item.setAll((ObjectNode) entry.path("data").deepCopy());
            item.remove("feedback_id");
            SealedContent.Opened opened = sealed.open(stored, entry);
            item.put("content_state", opened.state());
            if (opened.content() instanceof ObjectNode content) {
                JsonNode endUser = content.remove("end_user");
                if (endUser != null && item.get("given_by") instanceof ObjectNode givenBy) {
                    givenBy.set("end_user", endUser);
                }
                item.setAll(content);
            }
            out.add(item);
        }
        return out;
    }

    private Prepared prepare(Principal principal, FeedbackItem item) {
        Interaction cited = interaction(principal, item.requestId(),
                item.betweenRequests() ? item.at("chosen_request_id") : item.at("request_id"));
        String id = Ids.newId("fb");
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("feedback_id", id);
        data.put("request_id", item.requestId());
        data.put("interaction_index", cited.stored().index());
        String level = "interaction";
        ObjectNode personal = JsonBodies.JSON.createObjectNode();
        switch (item.kind()) {
            case METRIC -> {
                Metric metric = metrics.find(principal.workspace(), item.metric())
                        .orElseThrow(() -> FeedbackException.unknownMetric(item.at("metric"), item.metric()));
                String refusal = metric.refuse(item.value());
                if (refusal != null) {
                    throw FeedbackException.invalid("invalid_value", item.at("value"), "'value' " + refusal);
                }
                data.put("metric", metric.name());
                data.set("value", item.value());
                if (metric.level() == Metric.Level.THREAD) {
                    level = "thread";
                    JsonNode thread = cited.data().path("memory").path("thread_id");
                    if (!thread.isString()) {
                        throw FeedbackException.invalid("not_in_thread", item.at("request_id"), "Metric '" + metric.name()
                                + "' is about a whole thread, and request '" + item.requestId() + "' belongs to none");
                    }
                    data.put("thread_id", thread.asString());
                }
            }
            case COMMENT -> personal.set("comment", item.text());
            case DEMONSTRATION -> personal.set("demonstration", item.text());
            case PREFERENCE -> {
                if (item.betweenRequests()) {
                    Interaction rejected = rejected(principal, item, cited);
                    data.put("chosen_request_id", item.requestId());
                    data.put("rejected_request_id", item.rejectedRequestId());
                    data.put("rejected_index", rejected.stored().index());
                } else {
                    int choices = cited.data().path("response").path("finish_reasons").size();
                    checkChoice(item, "chosen_choice", item.chosenChoice(), choices);
                    checkChoice(item, "rejected_choice", item.rejectedChoice(), choices);
                    data.put("chosen_choice", item.chosenChoice());
                    data.put("rejected_choice", item.rejectedChoice());
                }
                if (item.text() != null) {
                    personal.set("rationale", item.text());
                }
            }
        }
        data.put("level", level);
        ObjectNode givenBy = data.putObject("given_by");
        givenBy.put("key_id", principal.keyId());
        if (item.endUser() != null) {
            // The log's readers may count distinct end users, not learn who they are: the name is
            // sealed with the text, and only its keyed pseudonym is in the clear.
            givenBy.put("end_user", masterKey.subjectId(principal.workspace(), "end_user:" + item.endUser()));
            personal.put("end_user", item.endUser());
        }
        Instant now = Instant.now();
        AuditEvent event = new AuditEvent("feedback." + item.kind().wire(), id, now, principal.workspace(),
                principal.keyId(), null, null, data, personal.isEmpty() ? null : personal);
        return new Prepared(event, cited.stored().subjectId(), new FeedbackRepository.Row(id, principal.workspace(),
                item.requestId(), item.rejectedRequestId(), item.kind().wire(), cited.stored().index(), -1, now));
    }

    /**
     * The caller's request {@code requestId}. One that does not exist and one of another workspace
     * get the same answer, so that ids of other workspaces cannot be probed.
     */
    private Interaction interaction(Principal principal, String requestId, String param) {
        StoredEntry stored = log.findByEventId(requestId)
                .filter(FeedbackService::isInteraction)
                .filter(e -> Objects.equals(e.workspace(), principal.workspace()))
                .orElseThrow(() -> FeedbackException.unknownRequest(param, requestId));
        return new Interaction(stored, JsonBodies.JSON.readTree(entries.data(stored)));
    }

    /** The rejected side of a preference between two requests, which must answer the same prompt. */
    private Interaction rejected(Principal principal, FeedbackItem item, Interaction chosen) {
        String param = item.at("rejected_request_id");
        StoredEntry stored = log.findByEventId(item.rejectedRequestId())
                .filter(FeedbackService::isInteraction)
                .orElseThrow(() -> FeedbackException.unknownRequest(param, item.rejectedRequestId()));
        if (!Objects.equals(stored.workspace(), principal.workspace())) {
            throw FeedbackException.invalid("cross_workspace_preference", param,
                    "A preference compares two requests of the same workspace; '" + item.rejectedRequestId() + "' is not in this one");
        }
        Interaction rejected = new Interaction(stored, JsonBodies.JSON.readTree(entries.data(stored)));
        JsonNode chosenPrompt = prompt(chosen);
        JsonNode rejectedPrompt = prompt(rejected);
        // Checked where both can still be read; once either subject is erased, there is nothing to compare.
        if (chosenPrompt != null && rejectedPrompt != null && !chosenPrompt.equals(rejectedPrompt)) {
            throw FeedbackException.invalid("different_prompts", param,
                    "A preference between two requests needs both to answer the same prompt; these two were sent different messages");
        }
        return rejected;
    }

    private JsonNode prompt(Interaction interaction) {
        SealedContent.Opened opened = sealed.open(interaction.stored(), interaction.entry());
        return opened.content() == null ? null : opened.content().get("messages");
    }

    private static void checkChoice(FeedbackItem item, String field, int choice, int choices) {
        if (choice >= choices) {
            throw FeedbackException.invalid("invalid_value", item.at(field), "'" + field + "' is " + choice + ", but request '"
                    + item.requestId() + "' has " + choices + (choices == 1 ? " choice" : " choices") + " (numbered from 0)");
        }
    }

    private static boolean isInteraction(StoredEntry entry) {
        return entry.type().startsWith("gateway.");
    }

    private static long committed(CompletableFuture<Long> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw new FeedbackException(new ApiError(503, "server_error", "audit_unavailable", null,
                    "The audit log could not record this feedback; retry later"));
        }
    }
}
