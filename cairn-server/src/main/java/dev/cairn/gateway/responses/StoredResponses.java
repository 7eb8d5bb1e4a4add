package dev.cairn.gateway.responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.RecordedRequest;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.platform.JsonBodies;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The responses kept with {@code store: true}. The table holds ids and parameters only; what was
 * said is read from the request's audit entry, opened under its subject's key, so a response is
 * rebuilt from the same sealed content the log holds and erasing the subject's key (crypto-shredding)
 * erases it too, with no copy left elsewhere.
 */
@Component
public class StoredResponses {

    private final JdbcClient jdbc;
    private final AuditLog auditLog;
    private final AuditRepository log;
    private final EntryStore entries;
    private final SealedContent sealed;

    StoredResponses(JdbcClient jdbc, AuditLog auditLog, AuditRepository log, EntryStore entries, SealedContent sealed) {
        this.jdbc = jdbc;
        this.auditLog = auditLog;
        this.log = log;
        this.entries = entries;
        this.sealed = sealed;
    }

    /**
     * One stored response's row.
     *
     * @param requestId the audit entry that holds its input and answer ({@code Cairn-Request-Id})
     * @param threadId  the memory thread its chain of responses uses; null when it uses none
     * @param createdAt epoch seconds
     */
    public record Stored(String id, String workspace, String keyId, String requestId, String previousResponseId,
                         String threadId, String model, String status, long createdAt) {
    }

    /**
     * A stored response opened: its row, the chat body it ran (parameters from the entry's data,
     * messages and user from its sealed content) and the answer's first choice.
     */
    public record Opened(Stored stored, ObjectNode chatBody, boolean hasInstructions, JsonNode choice, JsonNode usage) {

        /** As the Responses API shows it. */
        public ObjectNode response() {
            ResponseObject frame = new ResponseObject(stored.id(), stored.createdAt(), chatBody, hasInstructions,
                    stored.previousResponseId(), true);
            return frame.finished(choice.path("message"), choice.path("finish_reason").asString(null), usage);
        }

        /**
         * The conversation so far, for the response that continues it: every message it was sent
         * but its instructions (which, as OpenAI's, do not carry over), then its answer.
         */
        public List<JsonNode> conversation() {
            List<JsonNode> turns = new ArrayList<>();
            JsonNode messages = chatBody.path("messages");
            for (int i = hasInstructions ? 1 : 0; i < messages.size(); i++) {
                turns.add(messages.get(i));
            }
            JsonNode message = choice.path("message");
            ObjectNode answer = JsonNodeFactory.instance.objectNode().put("role", "assistant");
            JsonNode calls = message.get("tool_calls");
            String text = ResponseObject.text(message.get("content"));
            if (calls != null && calls.isArray() && !calls.isEmpty()) {
                answer.set("content", text.isEmpty() ? JsonNodeFactory.instance.nullNode() : JsonNodeFactory.instance.stringNode(text));
                answer.set("tool_calls", calls);
            } else {
                answer.put("content", text.isEmpty() ? message.path("refusal").asString("") : text);
            }
            turns.add(answer);
            return turns;
        }
    }

    /** Whether responses can be stored: their content lives only in the audit log. */
    public boolean available() {
        return auditLog.enabled();
    }

    public void keep(Stored stored) {
        jdbc.sql("INSERT INTO stored_responses (id, workspace, key_id, request_id, previous_response_id, thread_id, model, "
                        + "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(stored.id(), stored.workspace(), stored.keyId(), stored.requestId(), stored.previousResponseId(),
                        stored.threadId(), stored.model(), stored.status(), stored.createdAt() * 1000)
                .update();
    }

    /** The workspace's response {@code id}; one that is unknown, another workspace's or deleted is a 404 naming {@code param}. */
    public Stored find(String workspace, String id, String param) {
        return jdbc.sql("SELECT id, workspace, key_id, request_id, previous_response_id, thread_id, model, status, created_at "
                        + "FROM stored_responses WHERE id = ? AND workspace = ? AND deleted_at IS NULL")
                .params(id, workspace)
                .query((rs, n) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9) / 1000))
                .optional()
                .orElseThrow(() -> ResponsesException.notFound(id, param));
    }

    /** Deletes the workspace's response {@code id}: from now on it is not found. */
    public void delete(String workspace, String id) {
        int deleted = jdbc.sql("UPDATE stored_responses SET deleted_at = ? WHERE id = ? AND workspace = ? AND deleted_at IS NULL")
                .params(System.currentTimeMillis(), id, workspace).update();
        if (deleted == 0) {
            throw ResponsesException.notFound(id, null);
        }
    }

    /**
     * An output item of one of the workspace's stored responses, by its id: item ids are derived
     * from their response's ({@link ResponseObject#messageItemId()}, {@link ResponseObject#callItemId}).
     */
    public JsonNode item(String workspace, String itemId, String param) {
        String suffix = itemId.startsWith("msg_") ? itemId.substring(4)
                : itemId.startsWith("fc_") && itemId.lastIndexOf('_') > 3 ? itemId.substring(3, itemId.lastIndexOf('_'))
                : null;
        if (suffix == null || suffix.isEmpty()) {
            throw ResponsesException.itemNotFound(itemId, param);
        }
        String responseId = "resp_" + suffix;
        JsonNode output;
        try {
            output = open(workspace, responseId, param).response().path("output");
        } catch (ResponsesException e) {
            if (e.error().status() == 404) {
                throw ResponsesException.itemNotFound(itemId, param);
            }
            throw e;
        }
        for (JsonNode item : output) {
            if (itemId.equals(item.path("id").asString(""))) {
                return item;
            }
        }
        throw ResponsesException.itemNotFound(itemId, param);
    }

    /** The workspace's response {@code id}, opened; erased content is a 410 naming {@code param}. */
    public Opened open(String workspace, String id, String param) {
        Stored stored = find(workspace, id, param);
        StoredEntry entry = log.findByEventId(stored.requestId())
                .filter(e -> Objects.equals(e.workspace(), workspace))
                // Retention pruned the entry: the response went with it.
                .orElseThrow(() -> ResponsesException.notFound(id, param));
        JsonNode tree = JsonBodies.JSON.readTree(entries.data(entry));
        SealedContent.Opened content = sealed.open(entry, tree);
        if (content.state().equals("erased")) {
            throw ResponsesException.erased(id, param);
        }
        if (content.content() == null || !content.content().path("choices").isArray()) {
            throw ResponsesException.unavailable(id, param, content.state());
        }
        JsonNode data = tree.path("data");
        ObjectNode chatBody = RecordedRequest.of(data, content.content());
        return new Opened(stored, chatBody, data.path("responses").path("instructions").asBoolean(false),
                content.content().path("choices").path(0), data.get("usage"));
    }
}
