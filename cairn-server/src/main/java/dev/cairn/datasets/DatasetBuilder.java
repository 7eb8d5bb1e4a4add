package dev.cairn.datasets;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.CanonicalJson;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.audit.EntryFilter;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.feedback.FeedbackSources;
import dev.cairn.ledger.CompactRange;
import dev.cairn.ledger.Hashes;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a dataset version: cuts it at a freshly signed checkpoint, walks the workspace's logged chat
 * interactions below it, materialises each one's unsealed content and feedback into a canonical-JSON
 * row, and records the manifest (checkpoint, counts, the rows' Merkle root) as a {@code dataset.built}
 * audit entry. Rows are written in batches and hashed as they go, so memory does not grow with the set.
 */
@Service
class DatasetBuilder {

    static final String INTERACTION_TYPE = "gateway.chat.completions";
    private static final int SCAN_PAGE = 1000;

    private final AuditRepository log;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final AuditLog auditLog;
    private final CheckpointPublisher checkpoints;
    private final FeedbackSources feedbackSources;
    private final DatasetRepository repository;

    DatasetBuilder(AuditRepository log, EntryStore entries, SealedContent sealed, AuditLog auditLog,
                   CheckpointPublisher checkpoints, FeedbackSources feedbackSources, DatasetRepository repository) {
        this.log = log;
        this.entries = entries;
        this.sealed = sealed;
        this.auditLog = auditLog;
        this.checkpoints = checkpoints;
        this.feedbackSources = feedbackSources;
        this.repository = repository;
    }

    /** An entry read back from the log, with its sealed content opened if it still can be. */
    private record Read(StoredEntry stored, JsonNode entry, SealedContent.Opened opened) {
    }

    Dataset build(Principal principal, DatasetFilter filter) {
        // Cut first: every source is below this signed size, so a proof against it exists for each.
        CheckpointPublisher.Signed cut = checkpoints.publish();
        long size = cut.checkpoint().size();
        String filterJson = new String(CanonicalJson.bytes(filter.write(JsonBodies.JSON.createObjectNode())),
                StandardCharsets.UTF_8);
        Dataset dataset = new Dataset(Ids.newId("ds"), principal.workspace(), principal.keyId(), filterJson, "building",
                0, 0, 0, size, cut.note(), null, null, Instant.now());
        repository.create(dataset);
        try {
            return freeze(dataset, filter, cut, size);
        } catch (RuntimeException e) {
            repository.discard(dataset.id());
            throw e;
        }
    }

    private Dataset freeze(Dataset dataset, DatasetFilter filter, CheckpointPublisher.Signed cut, long size) {
        CompactRange tree = CompactRange.empty();
        List<DatasetRepository.Row> batch = new ArrayList<>();
        long rows = 0;
        long skipped = 0;
        long feedbackCount = 0;
        long first = -1;
        long last = -1;
        EntryFilter scan = new EntryFilter(filter.since(), filter.until(), INTERACTION_TYPE, dataset.workspace(), null, null);
        long after = -1;
        scanning:
        while (true) {
            List<StoredEntry> page = log.list(scan, after, SCAN_PAGE);
            for (StoredEntry stored : page) {
                after = stored.index();
                if (stored.index() >= size) {
                    break scanning;
                }
                JsonNode entry = JsonBodies.JSON.readTree(entries.data(stored));
                JsonNode data = entry.path("data");
                if (filter.model() != null && !filter.model().equals(data.path("model").asString(""))) {
                    continue;
                }
                if (data.path("status").asInt(0) != 200) {
                    continue; // a failed request has no answer to learn from
                }
                List<Read> feedback = feedback(dataset.workspace(), stored.eventId(), size);
                if (!matches(filter, feedback)) {
                    continue;
                }
                SealedContent.Opened opened = sealed.open(stored, entry);
                if (!"available".equals(opened.state()) || opened.content() == null) {
                    skipped++;
                    continue;
                }
                Materialised row = row(stored, entry, opened.content(), feedback);
                byte[] bytes = CanonicalJson.bytes(row.json());
                tree.append(Hashes.leafHash(bytes));
                batch.add(new DatasetRepository.Row(rows, stored.index(), stored.subjectId(), bytes, row.otherSubjects()));
                rows++;
                feedbackCount += feedback.size();
                first = first < 0 ? stored.index() : first;
                last = stored.index();
                if (batch.size() == DatasetRepository.PAGE) {
                    repository.addRows(dataset.id(), batch);
                    batch.clear();
                }
            }
            if (page.size() < SCAN_PAGE) {
                break;
            }
        }
        repository.addRows(dataset.id(), batch);
        String root = Base64.getEncoder().encodeToString(tree.rootHash());
        ObjectNode manifest = manifest(dataset, cut, rows, skipped, feedbackCount, root, first, last);
        long manifestIndex;
        try {
            manifestIndex = auditLog.append(new AuditEvent("dataset.built", dataset.id(), Instant.now(), dataset.workspace(),
                    dataset.keyId(), null, null, manifest, null)).join();
        } catch (CompletionException e) {
            throw DatasetException.auditUnavailable();
        }
        Dataset built = dataset.built(rows, skipped, feedbackCount, root, manifestIndex);
        repository.built(built);
        return built;
    }

    /** The manifest as the {@code dataset.built} entry records it; docs/datasets.md describes it. */
    static ObjectNode manifest(Dataset dataset, CheckpointPublisher.Signed cut, long rows, long skipped, long feedback,
                               String root, long first, long last) {
        ObjectNode manifest = JsonBodies.JSON.createObjectNode();
        manifest.put("dataset_id", dataset.id());
        manifest.set("filter", JsonBodies.JSON.readTree(dataset.filter()));
        ObjectNode checkpoint = manifest.putObject("checkpoint");
        checkpoint.put("origin", cut.checkpoint().origin());
        checkpoint.put("size", cut.checkpoint().size());
        checkpoint.put("root", Base64.getEncoder().encodeToString(cut.checkpoint().rootHash()));
        manifest.put("rows", rows);
        manifest.put("rows_root", root);
        manifest.put("skipped", skipped);
        ObjectNode sources = manifest.putObject("sources");
        sources.put("interactions", rows);
        sources.put("feedback", feedback);
        if (rows > 0) {
            sources.put("first_index", first);
            sources.put("last_index", last);
        }
        return manifest;
    }

    /** The feedback about a request that was logged before the cut, oldest first. */
    private List<Read> feedback(String workspace, String requestId, long size) {
        List<Read> out = new ArrayList<>();
        for (long index : feedbackSources.logIndexes(workspace, requestId)) {
            if (index >= size) {
                continue;
            }
            read(index).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Read> read(long index) {
        return log.findByIndex(index).map(stored -> {
            JsonNode entry = JsonBodies.JSON.readTree(entries.data(stored));
            return new Read(stored, entry, sealed.open(stored, entry));
        });
    }

    private static boolean matches(DatasetFilter filter, List<Read> feedback) {
        if (filter.hasFeedback() != null && filter.hasFeedback() == feedback.isEmpty()) {
            return false;
        }
        if (filter.metric() == null) {
            return true;
        }
        for (Read read : feedback) {
            JsonNode data = read.entry().path("data");
            if (!filter.metric().equals(data.path("metric").asString(null))) {
                continue;
            }
            JsonNode value = data.path("value");
            if (filter.min() == null) {
                return true;
            }
            double number = value.isBoolean() ? (value.asBoolean() ? 1 : 0) : value.isNumber() ? value.asDouble() : Double.NaN;
            if (number >= filter.min()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A row's JSON and the subjects other than its interaction's whose sealed content it carries, so
     * that erasing any of them reaches the row.
     */
    private record Materialised(ObjectNode json, Set<String> otherSubjects) {
    }

    /** A row: the interaction's prompt, tools and answers as logged, and its feedback with its text. */
    private Materialised row(StoredEntry stored, JsonNode entry, JsonNode content, List<Read> feedback) {
        JsonNode data = entry.path("data");
        ObjectNode row = JsonBodies.JSON.createObjectNode();
        row.put("request_id", stored.eventId());
        row.put("interaction_index", stored.index());
        row.put("time", entry.path("time").asString());
        row.put("model", data.path("model").asString(""));
        JsonNode request = data.path("request");
        for (String field : List.of("tools", "tool_choice", "parallel_tool_calls")) {
            if (request.has(field)) {
                row.set(field, request.get(field));
            }
        }
        row.set("messages", content.path("messages"));
        row.set("choices", content.path("choices"));
        ArrayNode items = row.putArray("feedback");
        Set<String> subjects = new LinkedHashSet<>();
        for (Read read : feedback) {
            items.add(feedbackItem(stored.eventId(), read, subjects));
        }
        subjects.remove(stored.subjectId());
        subjects.remove(null); // content logged under no subject is no one's to erase
        return new Materialised(row, subjects);
    }

    /** One feedback of a row; adds to {@code subjects} each subject whose opened content it copies. */
    private ObjectNode feedbackItem(String requestId, Read read, Set<String> subjects) {
        ObjectNode item = JsonBodies.JSON.createObjectNode();
        item.put("id", read.entry().path("id").asString());
        item.put("log_index", read.stored().index());
        item.put("kind", read.stored().type().substring("feedback.".length()));
        JsonNode data = read.entry().path("data");
        item.setAll((ObjectNode) data.deepCopy());
        item.remove("feedback_id");
        if (item.get("given_by") instanceof ObjectNode givenBy) {
            givenBy.remove("end_user"); // who they are is sealed; a dataset does not need even the pseudonym
        }
        if (read.opened().content() instanceof ObjectNode personal) {
            subjects.add(read.stored().subjectId());
            ObjectNode text = personal.deepCopy();
            text.remove("end_user");
            item.setAll(text);
        }
        // A preference between two requests is emitted from its chosen side, which must carry the
        // other answer: the rejected row may not be in this dataset at all.
        if (requestId.equals(data.path("chosen_request_id").asString(null)) && data.has("rejected_index")) {
            read(data.path("rejected_index").asLong()).ifPresent(rejected -> {
                if (rejected.opened().content() != null) {
                    JsonNode message = rejected.opened().content().path("choices").path(0).path("message");
                    if (message.isObject()) {
                        subjects.add(rejected.stored().subjectId());
                        item.set("rejected_output", message);
                    }
                }
            });
        }
        return item;
    }
}
