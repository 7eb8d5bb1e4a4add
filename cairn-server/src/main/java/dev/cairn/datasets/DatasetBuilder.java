package dev.cairn.datasets;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
import dev.cairn.audit.RecordedRequest;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.feedback.FeedbackSources;
import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.CompactRange;
import dev.cairn.ledger.Hashes;
import dev.cairn.ledger.SignedNote;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a dataset version: {@link #cut} fixes it at a freshly signed checkpoint, then {@link #build}
 * (run by {@link DatasetBuildJob}) walks the workspace's logged chat interactions below it, materialises
 * each one's unsealed content and feedback into a canonical-JSON row, and records the manifest
 * (checkpoint, counts, the rows' Merkle root) as a {@code dataset.built} audit entry. Rows are written a
 * page at a time together with how far the scan got, and hashed as they go, so memory does not grow with
 * the set and an interrupted build resumes after its last committed page.
 */
@Service
class DatasetBuilder {

    static final String INTERACTION_TYPE = "gateway.chat.completions";
    /** Interactions read, and rows committed with their progress, at a time. */
    private static final int SCAN_PAGE = 1000;

    private final AuditRepository log;
    private final EntryStore entries;
    private final SealedContent sealed;
    private final AuditLog auditLog;
    private final CheckpointPublisher checkpoints;
    private final FeedbackSources feedbackSources;
    private final DatasetRepository repository;
    private final ErasureFence fence;

    DatasetBuilder(AuditRepository log, EntryStore entries, SealedContent sealed, AuditLog auditLog,
                   CheckpointPublisher checkpoints, FeedbackSources feedbackSources, DatasetRepository repository,
                   ErasureFence fence) {
        this.log = log;
        this.entries = entries;
        this.sealed = sealed;
        this.auditLog = auditLog;
        this.checkpoints = checkpoints;
        this.feedbackSources = feedbackSources;
        this.repository = repository;
        this.fence = fence;
    }

    /** An entry read back from the log, with its sealed content opened if it still can be. */
    private record Read(StoredEntry stored, JsonNode entry, SealedContent.Opened opened) {
    }

    /** A scanned interaction that passed the filter's model and status, parsed once. */
    private record Candidate(StoredEntry stored, JsonNode entry) {
    }

    /**
     * A new version of {@code filter}, {@code building}, cut at a checkpoint signed now: every source is
     * below this signed size, so a proof against it exists for each. Not stored yet, nor its job queued.
     */
    Dataset cut(String id, Principal principal, DatasetFilter filter) {
        CheckpointPublisher.Signed cut = checkpoints.publish();
        String filterJson = new String(CanonicalJson.bytes(filter.write(JsonBodies.JSON.createObjectNode())),
                StandardCharsets.UTF_8);
        return new Dataset(id, principal.workspace(), principal.keyId(), filterJson, Dataset.BUILDING, 0, 0, 0,
                cut.checkpoint().size(), cut.note(), null, null, Instant.now(), Dataset.Progress.NONE, null);
    }

    /**
     * Builds {@code dataset}, which is {@code building}, from where its stored progress says, and freezes
     * it. Repeating it after any interruption gives the same version: the rows already committed are
     * hashed again rather than rebuilt, and a manifest an earlier run logged is taken as it is.
     */
    Dataset build(Dataset dataset) {
        Optional<StoredEntry> logged = log.findByEventId(dataset.id()).filter(e -> "dataset.built".equals(e.type()));
        if (logged.isPresent()) {
            return frozen(dataset, logged.get()); // the earlier run stopped between logging its manifest and saying so
        }
        DatasetFilter filter = DatasetFilter.read(JsonBodies.JSON.readTree(dataset.filter()));
        CheckpointPublisher.Signed cut = signedCut(dataset);
        long size = cut.checkpoint().size();
        Tally tally = Tally.of(dataset, repository);
        // The scan walks the log by index and checks workspace and time here rather than in SQL: given
        // the workspace (or a time) as a condition, SQLite reads through that index and sorts all the
        // later entries for every page, which made a million-interaction build quadratic. The filter's
        // times become an index range first, so a narrow window does not read the whole log.
        EntryFilter scan = new EntryFilter(null, null, INTERACTION_TYPE, null, null, null);
        long after = dataset.progress().scannedThrough();
        long end = size;
        if (filter.since() != null || filter.until() != null) {
            Optional<long[]> range = log.indexRange(filter.since() == null ? Instant.EPOCH : filter.since(),
                    filter.until() == null ? Instant.ofEpochMilli(Long.MAX_VALUE) : filter.until());
            after = Math.max(after, range.map(r -> r[0] - 1).orElse(size));
            end = Math.min(end, range.map(r -> r[1] + 1).orElse(size));
        }
        long scanned = dataset.progress().scanned();
        while (after + 1 < end) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("build of " + dataset.id() + " interrupted after log index " + after
                        + "; it resumes from there");
            }
            List<StoredEntry> page = log.list(scan, after, SCAN_PAGE);
            long stop = end;
            List<StoredEntry> below = page.stream().takeWhile(stored -> stored.index() < stop).toList();
            if (below.isEmpty()) {
                break;
            }
            List<StoredEntry> ours = below.stream()
                    .filter(stored -> dataset.workspace().equals(stored.workspace()) && within(filter, stored.createdAt()))
                    .toList();
            List<DatasetRepository.Row> batch = scanPage(dataset, filter, size, ours, tally);
            long from = after;
            after = below.getLast().index();
            scanned += ours.size();
            long scannedSoFar = scanned;
            long through = after;
            fence.commitPage(dataset.id(), subjects(batch), () -> repository.addRows(dataset.id(), from, batch, tally.rows,
                    tally.skipped, tally.feedback, scannedSoFar, through));
            if (below.size() < SCAN_PAGE) {
                break; // the log ended, or the cut or the filter's time range did
            }
        }
        String root = Base64.getEncoder().encodeToString(tally.tree.rootHash());
        ObjectNode manifest = manifest(dataset, cut, tally.rows, tally.skipped, tally.feedback, root, tally.first, tally.last);
        long manifestIndex;
        try {
            manifestIndex = auditLog.append(new AuditEvent("dataset.built", dataset.id(), Instant.now(), dataset.workspace(),
                    dataset.keyId(), null, null, manifest, null)).join();
        } catch (CompletionException e) {
            throw DatasetException.auditUnavailable();
        }
        Dataset built = dataset.built(tally.rows, tally.skipped, tally.feedback, root, manifestIndex);
        repository.built(built);
        return built;
    }

    /**
     * The running counts of a build and the Merkle tree of its rows so far. Resuming, it is rebuilt from
     * the rows already committed (an erased one by the leaf hash kept for it), a page at a time.
     */
    private static final class Tally {
        final CompactRange tree = CompactRange.empty();
        long rows;
        long skipped;
        long feedback;
        long first = -1;
        long last = -1;

        static Tally of(Dataset dataset, DatasetRepository repository) {
            Tally tally = new Tally();
            tally.skipped = dataset.skipped();
            tally.feedback = dataset.feedback();
            long after = -1;
            List<DatasetRepository.Row> page;
            do {
                page = repository.rows(dataset.id(), after);
                for (DatasetRepository.Row row : page) {
                    after = row.ordinal();
                    tally.add(row.erased() ? row.erasedLeaf() : Hashes.leafHash(row.data()), row.interactionIndex());
                }
            } while (page.size() == DatasetRepository.PAGE);
            if (tally.rows != dataset.rows()) {
                throw new IllegalStateException("dataset " + dataset.id() + " has " + tally.rows + " rows stored but its "
                        + "progress says " + dataset.rows());
            }
            return tally;
        }

        void add(byte[] leafHash, long interactionIndex) {
            tree.append(leafHash);
            rows++;
            first = first < 0 ? interactionIndex : first;
            last = interactionIndex;
        }
    }

    /** The rows of one page of scanned interactions, the feedback of all of them found in one query. */
    private List<DatasetRepository.Row> scanPage(Dataset dataset, DatasetFilter filter, long size, List<StoredEntry> page,
                                                 Tally tally) {
        List<Candidate> candidates = new ArrayList<>(page.size());
        for (StoredEntry stored : page) {
            JsonNode entry = JsonBodies.JSON.readTree(entries.data(stored));
            JsonNode data = entry.path("data");
            if (filter.model() != null && !filter.model().equals(data.path("model").asString(""))) {
                continue;
            }
            if (data.path("status").asInt(0) != 200) {
                continue; // a failed request has no answer to learn from
            }
            candidates.add(new Candidate(stored, entry));
        }
        Map<String, List<Long>> cited = feedbackSources.logIndexes(dataset.workspace(),
                candidates.stream().map(c -> c.stored().eventId()).toList(), size);
        List<DatasetRepository.Row> batch = new ArrayList<>();
        for (Candidate candidate : candidates) {
            StoredEntry stored = candidate.stored();
            List<Read> feedback = new ArrayList<>();
            for (long index : cited.getOrDefault(stored.eventId(), List.of())) {
                read(index).ifPresent(feedback::add);
            }
            if (!matches(filter, feedback)) {
                continue;
            }
            SealedContent.Opened opened = sealed.open(stored, candidate.entry());
            if (!"available".equals(opened.state()) || opened.content() == null) {
                tally.skipped++;
                continue;
            }
            Materialised row = row(stored, candidate.entry(), opened.content(), feedback);
            byte[] bytes = CanonicalJson.bytes(row.json());
            batch.add(new DatasetRepository.Row(tally.rows, stored.index(), stored.subjectId(), bytes, row.otherSubjects()));
            tally.add(Hashes.leafHash(bytes), stored.index());
            tally.feedback += feedback.size();
        }
        return batch;
    }

    /** Whether an entry recorded at {@code at} is within the filter's {@code since} and {@code until}. */
    private static boolean within(DatasetFilter filter, Instant at) {
        long millis = at.toEpochMilli(); // as the log keeps times, and as the index range above compared them
        return (filter.since() == null || millis >= filter.since().toEpochMilli())
                && (filter.until() == null || millis < filter.until().toEpochMilli());
    }

    /** Marks built a version whose manifest an earlier run logged, with that manifest's figures. */
    private Dataset frozen(Dataset dataset, StoredEntry manifestEntry) {
        JsonNode data = JsonBodies.JSON.readTree(entries.data(manifestEntry)).path("data");
        Dataset built = dataset.built(data.path("rows").asLong(), data.path("skipped").asLong(),
                data.path("sources").path("feedback").asLong(), data.path("rows_root").asString(), manifestEntry.index());
        repository.built(built);
        return built;
    }

    /** The checkpoint a version was cut at, read back from the signed note this log stored. */
    private static CheckpointPublisher.Signed signedCut(Dataset dataset) {
        try {
            return new CheckpointPublisher.Signed(
                    Checkpoint.parse(SignedNote.parse(dataset.checkpointNote()).text()), dataset.checkpointNote());
        } catch (VerificationException e) {
            throw new IllegalStateException("dataset " + dataset.id() + " has an unreadable cut checkpoint: " + e.getMessage(), e);
        }
    }

    private static Set<String> subjects(List<DatasetRepository.Row> rows) {
        Set<String> subjects = new HashSet<>();
        for (DatasetRepository.Row row : rows) {
            if (row.subjectId() != null) {
                subjects.add(row.subjectId());
            }
            subjects.addAll(row.otherSubjects());
        }
        return subjects;
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
        JsonNode request = RecordedRequest.of(data, content);
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
