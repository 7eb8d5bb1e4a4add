package dev.cairn.memory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.platform.InvalidConfigurationException;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobHandler;
import dev.cairn.platform.jobs.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Optional fact extraction ({@code cairn.memory.extraction.model}): after new turns are stored, a
 * background job shows the configured model those turns and the thread's current facts,
 * decisions and preferences, and applies its JSON answer: new items, items that supersede an
 * earlier one (which is retired), and items retired outright. The model is called through the
 * gateway ({@link OwnModelCalls}), so each call is guarded, limited, in the usage ledger and an
 * audit log entry ({@value #AUDIT_TYPE}) like a client's.
 */
@Component
public class FactExtraction implements JobHandler, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FactExtraction.class);
    static final String KIND = "memory.extract";
    /** The type of the audit entry of each call. */
    static final String AUDIT_TYPE = "memory.extraction";
    private static final int KNOWN_LIMIT = 200;
    static final List<ItemKind> EXTRACTED = List.of(ItemKind.FACT, ItemKind.DECISION, ItemKind.PREFERENCE);

    static final String INSTRUCTIONS = """
            You maintain the long-term memory of a conversation. From the NEW TURNS, extract durable facts, \
            decisions and preferences worth remembering in later conversations. Compare them with the KNOWN items. \
            Answer with one JSON object and nothing else:
            {"add": [{"kind": "fact" | "decision" | "preference", "content": "<one self-contained sentence>", \
            "supersedes": "<id of the KNOWN item it replaces, or null>"}], "retire": ["<id of a KNOWN item that is no longer true>"]}
            Add nothing that is already known unchanged. Use empty arrays when there is nothing to do.""";

    private final String model;
    private final ObjectProvider<JobQueue> jobs;
    private final ObjectProvider<OwnModelCalls> calls;
    private final MemoryRepository repository;
    private final ObjectProvider<MemoryService> memory;

    // Providers, not the beans: the gateway's pipeline, which makes the calls, itself uses memory.
    public FactExtraction(MemoryProperties config, ObjectProvider<JobQueue> jobs, ObjectProvider<OwnModelCalls> calls,
                          MemoryRepository repository, ObjectProvider<MemoryService> memory) {
        String configured = config.extraction().model();
        this.model = configured == null || configured.isBlank() ? null : configured;
        this.jobs = jobs;
        this.calls = calls;
        this.repository = repository;
        this.memory = memory;
    }

    /** Refuses to start with an extraction model that routes nowhere, once the gateway exists. */
    @Override
    public void afterSingletonsInstantiated() {
        if (model != null && !calls.getObject().routes(model)) {
            throw new InvalidConfigurationException("cairn.memory.extraction.model '" + model + "' does not name a configured provider's model");
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Queues extraction for turns just stored on a thread, when extraction is configured; the job, and
     * the items it extracts, belong to the turns' data subject ({@code subjectId}, null: none).
     */
    void turnsAdded(String workspace, String threadId, String subjectId, List<MemoryItem> turns) {
        if (model == null || turns.isEmpty()) {
            return;
        }
        ObjectNode payload = JsonBodies.JSON.createObjectNode();
        payload.put("thread_id", threadId);
        turns.forEach(t -> payload.withArray("item_ids").add(t.id()));
        if (subjectId != null) {
            payload.put("subject_id", subjectId);
        }
        jobs.getObject().enqueueAll(KIND, workspace, subjectId, List.of(payload.toString()));
    }

    @Override
    public void run(Job job) {
        if (model == null) {
            return;
        }
        JsonNode payload = JsonBodies.JSON.readTree(job.payload());
        String workspace = job.workspace();
        String threadId = payload.path("thread_id").asString(null);
        List<String> ids = new ArrayList<>();
        payload.path("item_ids").forEach(id -> ids.add(id.asString()));
        List<MemoryItem> turns = new ArrayList<>(repository.items(workspace, ids).values());
        if (turns.isEmpty()) {
            return; // deleted meanwhile
        }
        Map<String, MemoryItem> known = new LinkedHashMap<>();
        repository.listItems(workspace, new ItemFilter(threadId, Set.copyOf(EXTRACTED), null, false), null, KNOWN_LIMIT)
                .forEach(i -> known.put(i.id(), i));
        ObjectNode purpose = JsonBodies.JSON.createObjectNode();
        purpose.put("thread_id", threadId);
        purpose.put("job_id", job.id());
        turns.forEach(t -> purpose.withArray("turns").add(t.id()));
        String answer = calls.getObject().complete(new OwnModelCalls.Call(workspace, model, AUDIT_TYPE, purpose, INSTRUCTIONS,
                prompt(turns, known)));
        apply(workspace, threadId, payload.path("subject_id").asString(null), parse(answer), known, turns);
    }

    private String prompt(List<MemoryItem> turns, Map<String, MemoryItem> known) {
        StringBuilder text = new StringBuilder("KNOWN:\n");
        if (known.isEmpty()) {
            text.append("(none)\n");
        }
        known.values().forEach(k -> text.append(k.id()).append(" (").append(k.kind().wireName()).append("): ")
                .append(k.content()).append('\n'));
        text.append("\nNEW TURNS:\n");
        turns.forEach(t -> text.append(ConversationMemory.role(t)).append(": ").append(t.content()).append('\n'));
        return text.toString();
    }

    /** The model's answer as the JSON object asked for, from a fenced block too. */
    private static JsonNode parse(String answer) {
        String content = answer == null ? "" : answer.strip();
        if (content.startsWith("```")) {
            content = content.replaceFirst("^```(?:json)?\\s*", "").replaceFirst("\\s*```$", "");
        }
        try {
            JsonNode parsed = JsonBodies.JSON.readTree(content);
            if (!parsed.isObject()) {
                throw new IllegalStateException("the extraction model answered JSON that is not an object");
            }
            return parsed;
        } catch (JacksonException e) {
            // Failing the job retries it with backoff; a model that keeps answering prose ends as a failed job.
            throw new IllegalStateException("the extraction model did not answer JSON: " + e.getOriginalMessage());
        }
    }

    private void apply(String workspace, String threadId, String subjectId, JsonNode answer, Map<String, MemoryItem> known,
                       List<MemoryItem> turns) {
        List<NewItem> added = new ArrayList<>();
        String source = "extraction:" + turns.getLast().source();
        for (JsonNode add : answer.path("add")) {
            String content = add.path("content").asString("").strip();
            ItemKind kind = kindOf(add.path("kind").asString(""));
            if (content.isEmpty() || kind == null) {
                log.info("Extraction skipped an item without content or with an unknown kind: {}", add);
                continue;
            }
            String supersedes = add.path("supersedes").isString() ? add.path("supersedes").stringValue() : null;
            if (supersedes != null && !known.containsKey(supersedes)) {
                supersedes = null; // the model named something it was not shown
            }
            ObjectNode metadata = JsonBodies.JSON.createObjectNode();
            turns.forEach(t -> metadata.withArray("extracted_from").add(t.id()));
            added.add(new NewItem(threadId, kind, content, null, null, metadata.toString(), null, supersedes, source));
        }
        MemoryService service = memory.getObject();
        if (!added.isEmpty()) {
            service.addItems(workspace, subjectId, added);
        }
        for (JsonNode retire : answer.path("retire")) {
            if (retire.isString() && known.containsKey(retire.stringValue())) {
                service.updateItem(workspace, retire.stringValue(), new MemoryService.ItemChange(null, null, null, null, null, null, true));
            }
        }
    }

    private static ItemKind kindOf(String name) {
        for (ItemKind kind : EXTRACTED) {
            if (kind.wireName().equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
