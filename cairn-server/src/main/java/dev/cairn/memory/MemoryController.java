package dev.cairn.memory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.access.AccessException;
import dev.cairn.access.Principal;
import dev.cairn.audit.MasterKey;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.RequestException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/memory/}: workspaces, threads, items, ingest and recall. A key works in its own
 * workspace; only admin keys list or change other workspaces.
 */
@RestController
@RequestMapping(path = "/v1/memory", produces = MediaType.APPLICATION_JSON_VALUE)
public class MemoryController {

    private static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 100;
    /** A recall query is a question, not a document; longer ones would cost many model runs to embed. */
    static final int MAX_QUERY_CHARS = 4000;

    private final MemoryService memory;
    private final HybridRecall recall;
    private final Ingestion ingestion;
    private final MemoryProperties.Recall recallConfig;
    private final long maxBodyBytes;
    private final ApplicationEventPublisher events;
    private final MasterKey masterKey;

    public MemoryController(MemoryService memory, HybridRecall recall, Ingestion ingestion, MemoryProperties memoryConfig,
                            PlatformProperties platform, ApplicationEventPublisher events, MasterKey masterKey) {
        this.events = events;
        this.masterKey = masterKey;
        this.memory = memory;
        this.recall = recall;
        this.ingestion = ingestion;
        this.recallConfig = memoryConfig.recall();
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    // --- workspaces ------------------------------------------------------------------------------

    @GetMapping("/workspaces")
    ObjectNode workspaces(HttpServletRequest request, @RequestParam(required = false) String after,
                          @RequestParam(required = false) String limit) {
        Principal principal = Principal.of(request);
        if (!principal.admin()) {
            return MemoryJson.page(List.of(memory.workspace(principal.workspace())), 1, MemoryJson::workspace, MemoryWorkspace::id);
        }
        int pageSize = PageLimit.parse(limit, DEFAULT_LIMIT, MAX_LIMIT);
        return MemoryJson.page(memory.workspaces(after, pageSize + 1), pageSize, MemoryJson::workspace, MemoryWorkspace::id);
    }

    @PostMapping("/workspaces")
    @ResponseStatus(HttpStatus.CREATED)
    ObjectNode createWorkspace(HttpServletRequest request) throws IOException {
        Fields body = body(request);
        String id = PlainIds.workspace(body.requiredText("id"), "id");
        workspaceAccess(request, id);
        memory.workspace(id);
        return MemoryJson.workspace(changeWorkspace(id, body));
    }

    @GetMapping("/workspaces/{id}")
    ObjectNode workspace(HttpServletRequest request, @PathVariable String id) {
        workspaceAccess(request, id);
        return MemoryJson.workspace(existingWorkspace(request, id));
    }

    @PatchMapping("/workspaces/{id}")
    ObjectNode updateWorkspace(HttpServletRequest request, @PathVariable String id) throws IOException {
        workspaceAccess(request, id);
        existingWorkspace(request, id);
        return MemoryJson.workspace(changeWorkspace(id, body(request)));
    }

    /**
     * A key's own workspace always exists (with the default settings until they are changed); any
     * other exists once created, by POST or by use, so that reading a mistyped name creates nothing.
     */
    private MemoryWorkspace existingWorkspace(HttpServletRequest request, String id) {
        if (Principal.of(request).workspace().equals(id)) {
            return memory.workspace(id);
        }
        return memory.storedWorkspace(id).orElseThrow(() -> MemoryException.unknownWorkspace(id));
    }

    @DeleteMapping("/workspaces/{id}")
    ObjectNode deleteWorkspace(HttpServletRequest request, @PathVariable String id) {
        workspaceAccess(request, id);
        MemoryRepository.Removed removed = memory.deleteWorkspace(id);
        // Deleting memory destroys what a regulator may later ask about: the log keeps that it happened, never the content.
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workspace_id", id);
        details.put("threads_deleted", removed.threads());
        details.put("items_deleted", removed.items());
        events.publishEvent(new AdminAction("memory.workspace.deleted", id, Principal.of(request).keyId(), details));
        return deleted(id, "memory.workspace");
    }

    private MemoryWorkspace changeWorkspace(String id, Fields body) {
        boolean clearBudget = body.has("recall_token_budget") && body.node("recall_token_budget") == null;
        return memory.updateWorkspace(id, body.metadata("metadata"), body.bool("recall_default"),
                body.integer("recall_token_budget", 1, 1_000_000), clearBudget);
    }

    /** A key may see its own workspace; admin keys any. */
    private static void workspaceAccess(HttpServletRequest request, String id) {
        Principal principal = Principal.of(request);
        if (!principal.admin() && !principal.workspace().equals(id)) {
            throw AccessException.otherWorkspace("This key belongs to workspace '" + principal.workspace() + "' and cannot reach '" + id + "'");
        }
    }

    // --- threads ---------------------------------------------------------------------------------

    @PostMapping("/threads")
    @ResponseStatus(HttpStatus.CREATED)
    ObjectNode createThread(HttpServletRequest request) throws IOException {
        Fields body = body(request);
        String id = body.text("id");
        if (id != null) {
            PlainIds.thread(id, "id");
        }
        return MemoryJson.thread(memory.createThread(workspace(request), id, body.text("name"), body.metadata("metadata")));
    }

    @GetMapping("/threads")
    ObjectNode threads(HttpServletRequest request, @RequestParam(required = false) String after,
                       @RequestParam(required = false) String limit) {
        int pageSize = PageLimit.parse(limit, DEFAULT_LIMIT, MAX_LIMIT);
        return MemoryJson.page(memory.threads(workspace(request), after, pageSize + 1), pageSize, MemoryJson::thread, MemoryThread::id);
    }

    @GetMapping("/threads/{id}")
    ObjectNode thread(HttpServletRequest request, @PathVariable String id) {
        return MemoryJson.thread(memory.thread(workspace(request), id));
    }

    @PatchMapping("/threads/{id}")
    ObjectNode updateThread(HttpServletRequest request, @PathVariable String id) throws IOException {
        Fields body = body(request);
        return MemoryJson.thread(memory.updateThread(workspace(request), id, body.text("name"), body.metadata("metadata")));
    }

    @DeleteMapping("/threads/{id}")
    ObjectNode deleteThread(HttpServletRequest request, @PathVariable String id) {
        int items = memory.deleteThread(workspace(request), id);
        events.publishEvent(new AdminAction("memory.thread.deleted", workspace(request), Principal.of(request).keyId(),
                Map.of("thread_id", id, "items_deleted", items)));
        ObjectNode json = deleted(id, "memory.thread");
        json.put("items_deleted", items);
        return json;
    }

    // --- items -----------------------------------------------------------------------------------

    @PostMapping("/items")
    ObjectNode createItems(HttpServletRequest request) throws IOException {
        Fields body = body(request);
        JsonNode items = body.node("items");
        if (items == null || !items.isArray()) {
            throw RequestException.invalid("invalid_type", "items", "'items' must be an array of items");
        }
        List<NewItem> requested = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            requested.add(newItem(new Fields(items.get(i), "items[" + i + "]")));
        }
        String workspace = workspace(request);
        return list(memory.addItems(workspace, subjectId(request, workspace), requested));
    }

    /** The header naming the data subject that items are about, as for the gateway's requests. */
    static final String SUBJECT_HEADER = "Cairn-Subject";
    /** As long as a subject erasure accepts: a longer name could never be erased. */
    static final int MAX_SUBJECT_LENGTH = 256;

    /**
     * The pseudonym of the data subject the request's {@code Cairn-Subject} names (null when it names
     * none): the items record it, so that erasing the subject deletes them.
     */
    private String subjectId(HttpServletRequest request, String workspace) {
        String header = request.getHeader(SUBJECT_HEADER);
        if (header == null || header.isBlank()) {
            return null;
        }
        String subject = header.strip();
        if (subject.length() > MAX_SUBJECT_LENGTH || subject.codePoints().anyMatch(Character::isISOControl)) {
            throw RequestException.invalid("invalid_header", SUBJECT_HEADER,
                    SUBJECT_HEADER + " is 1 to " + MAX_SUBJECT_LENGTH + " characters, none of them control characters");
        }
        return masterKey.subjectId(workspace, subject);
    }

    private static NewItem newItem(Fields item) {
        String kind = item.requiredText("kind");
        String content = item.requiredText("content");
        return new NewItem(item.text("thread_id"), ItemKind.parse(kind, item.name("kind")), content, item.text("external_id"),
                item.instant("occurred_at"), item.metadata("metadata"), item.number("salience", 0, 1), item.text("supersedes"),
                item.text("source"));
    }

    @GetMapping("/items")
    ObjectNode items(HttpServletRequest request, @RequestParam(name = "thread_id", required = false) String threadId,
                     @RequestParam(required = false) String kind, @RequestParam(required = false) String since,
                     @RequestParam(name = "include_retired", required = false) String includeRetired,
                     @RequestParam(required = false) String after, @RequestParam(required = false) String limit) {
        int pageSize = PageLimit.parse(limit, DEFAULT_LIMIT, MAX_LIMIT);
        ItemFilter filter = new ItemFilter(threadId, kind == null ? Set.of() : kinds(List.of(kind.split(",")), "kind"),
                since == null ? null : Fields.instant(since, "since"), !"false".equals(includeRetired));
        return MemoryJson.page(memory.items(workspace(request), filter, after, pageSize + 1), pageSize, MemoryJson::item, MemoryItem::id);
    }

    @GetMapping("/items/{id}")
    ObjectNode item(HttpServletRequest request, @PathVariable String id) {
        return MemoryJson.item(memory.item(workspace(request), id));
    }

    @PatchMapping("/items/{id}")
    ObjectNode updateItem(HttpServletRequest request, @PathVariable String id) throws IOException {
        Fields body = body(request);
        String kind = body.text("kind");
        String content = body.text("content");
        if (content != null && content.isBlank()) {
            throw RequestException.invalid("missing_field", "content", "'content' must not be empty");
        }
        return MemoryJson.item(memory.updateItem(workspace(request), id, new MemoryService.ItemChange(body.text("thread_id"),
                kind == null ? null : ItemKind.parse(kind, "kind"), content, body.metadata("metadata"), body.instant("occurred_at"),
                body.number("salience", 0, 1), body.bool("retired"))));
    }

    @DeleteMapping("/items/{id}")
    ObjectNode deleteItem(HttpServletRequest request, @PathVariable String id) {
        MemoryItem item = memory.deleteItem(workspace(request), id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("item_id", id);
        details.put("thread_id", item.threadId());
        details.put("kind", item.kind().wireName());
        details.put("items_deleted", 1);
        events.publishEvent(new AdminAction("memory.item.deleted", workspace(request), Principal.of(request).keyId(), details));
        return deleted(id, "memory.item");
    }

    // --- ingest and recall -----------------------------------------------------------------------

    @PostMapping("/ingest")
    ObjectNode ingest(HttpServletRequest request) throws IOException {
        String workspace = workspace(request);
        return list(ingestion.ingest(workspace, subjectId(request, workspace), body(request)));
    }

    @PostMapping("/recall")
    ObjectNode recall(HttpServletRequest request) throws IOException {
        Fields body = body(request);
        String query = body.requiredText("query");
        if (query.length() > MAX_QUERY_CHARS) {
            throw RequestException.invalid("query_too_long", "query", "'query' may have at most " + MAX_QUERY_CHARS + " characters");
        }
        String threadId = body.text("thread_id");
        JsonNode kinds = body.node("kinds");
        Set<ItemKind> kindSet = Set.of();
        if (kinds != null) {
            if (!kinds.isArray()) {
                throw RequestException.invalid("invalid_type", "kinds", "'kinds' must be an array of item kinds");
            }
            List<String> names = new ArrayList<>();
            for (JsonNode k : kinds) {
                if (!k.isString()) {
                    throw RequestException.invalid("invalid_type", "kinds", "'kinds' must be an array of item kinds");
                }
                names.add(k.stringValue());
            }
            kindSet = kinds(names, "kinds");
        }
        String workspace = workspace(request);
        if (threadId != null) {
            memory.thread(workspace, threadId);
        }
        Integer budget = body.integer("token_budget", 1, 1_000_000);
        Integer topK = body.integer("top_k", 1, 100);
        Double recency = body.number("recency_weight", 0, 100);
        Double salience = body.number("salience_weight", 0, 100);
        Double mmr = body.number("mmr_lambda", 0, 1);
        Double neighbours = body.number("neighbour_weight", 0, 10);
        Boolean includeRetired = body.bool("include_retired");
        RecallQuery recallQuery = new RecallQuery(query,
                new ItemFilter(threadId, kindSet, body.instant("since"), includeRetired != null && includeRetired),
                budget != null ? budget : recallConfig.tokenBudget(), topK != null ? topK : recallConfig.topK(), mode(body.text("mode")),
                fusion(body.text("fusion")),
                recency != null ? recency : recallConfig.recencyWeight(), salience != null ? salience : recallConfig.salienceWeight(),
                neighbours != null ? neighbours : recallConfig.neighbourWeight(), mmr != null ? mmr : recallConfig.mmrLambda());
        return MemoryJson.recall(recall.recall(workspace, recallQuery));
    }

    private MemoryProperties.Fusion fusion(String value) {
        if (value == null) {
            return recallConfig.fusion();
        }
        return switch (value) {
            case "score" -> MemoryProperties.Fusion.SCORE;
            case "rrf" -> MemoryProperties.Fusion.RRF;
            default -> throw RequestException.invalid("invalid_fusion", "fusion", "'fusion' must be score or rrf");
        };
    }

    private static RecallQuery.Mode mode(String value) {
        if (value == null) {
            return RecallQuery.Mode.HYBRID;
        }
        return switch (value) {
            case "hybrid" -> RecallQuery.Mode.HYBRID;
            case "text" -> RecallQuery.Mode.TEXT;
            case "vector" -> RecallQuery.Mode.VECTOR;
            default -> throw RequestException.invalid("invalid_mode", "mode", "'mode' must be hybrid, text or vector");
        };
    }

    // --- helpers ---------------------------------------------------------------------------------

    private Fields body(HttpServletRequest request) throws IOException {
        return new Fields(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)), "");
    }

    private static String workspace(HttpServletRequest request) {
        return Principal.of(request).workspace();
    }

    private static Set<ItemKind> kinds(List<String> names, String param) {
        Set<ItemKind> kinds = EnumSet.noneOf(ItemKind.class);
        names.forEach(n -> kinds.add(ItemKind.parse(n.strip(), param)));
        return kinds;
    }

    private static ObjectNode list(List<MemoryItem> items) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("items");
        items.forEach(i -> data.add(MemoryJson.item(i)));
        return json;
    }

    private static ObjectNode deleted(String id, String object) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", id);
        json.put("object", object);
        json.put("deleted", true);
        return json;
    }

}
