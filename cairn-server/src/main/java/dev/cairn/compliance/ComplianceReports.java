package dev.cairn.compliance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import dev.cairn.audit.AuditArchive;
import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.LogIdentity;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.ledger.HashSource;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.TileHashSource;
import dev.cairn.ledger.TileId;
import dev.cairn.ledger.Tiles;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes compliance reports: picks the signed checkpoint to compute against, reads the period's
 * entries from the log once through the {@link ReportComputation} that a verifier runs too, adds
 * what only the server can attest (settings, the archive, whether erased content still opens),
 * signs the report with the log's key, records it in the log and keeps it.
 */
@Component
public class ComplianceReports {

    /** Checkpoints of a period proven consistent one to the next: enough to show the log never forked. */
    static final int CHAIN_LENGTH = 32;
    static final String ENTRY_TYPE = "compliance.report";

    private final AuditRepository repository;
    private final EntryStore entries;
    private final CheckpointPublisher checkpoints;
    private final LogIdentity identity;
    private final AuditLog auditLog;
    private final SealedContent sealed;
    private final AuditProperties audit;
    private final AuditArchive archive;
    private final ReportStore store;
    private final Clock clock;

    ComplianceReports(AuditRepository repository, EntryStore entries, CheckpointPublisher checkpoints, LogIdentity identity,
                      AuditLog auditLog, SealedContent sealed, AuditProperties audit, AuditArchive archive,
                      ReportStore store) {
        this.repository = repository;
        this.entries = entries;
        this.checkpoints = checkpoints;
        this.identity = identity;
        this.auditLog = auditLog;
        this.sealed = sealed;
        this.audit = audit;
        this.archive = archive;
        this.store = store;
        this.clock = Clock.systemUTC();
    }

    /** A report as made: its JSON (with {@code recorded}, and a subject's opened content when asked for). */
    public record Made(String id, ObjectNode report) {
    }

    /**
     * Makes, signs, records and keeps a report. {@code openContent} adds a subject's decrypted content
     * (Art. 15) to the answer; it is never kept.
     */
    public Made make(ReportScope scope, String keyId, boolean openContent) {
        CheckpointPublisher.Signed signed = checkpoints.publish();
        long size = signed.checkpoint().size();
        ScanRange range = scanRange(scope, size);
        ReportComputation computation = new ReportComputation(scope, size);
        List<Long> context = contextEntries(range);
        for (long index : context) {
            computation.context(parsed(index));
        }
        List<Long> subjectEntries = new ArrayList<>();
        scan(range, size, entry -> {
            computation.scanned(entry);
            if (scope.kind() == ReportKind.GDPR_ACCESS && scope.includes(entry)) {
                subjectEntries.add(entry.index());
            }
        });
        List<Section> sections = attest(scope, computation);

        String id = Ids.newId("rpt");
        ObjectNode report = JsonBodies.JSON.createObjectNode();
        report.put("object", "compliance.report");
        report.put("format_version", 1);
        report.put("id", id);
        report.put("kind", scope.kind().wireName());
        report.put("title", scope.kind().title());
        report.put("workspace", scope.workspace());
        report.put("subject", scope.subjectId());
        report.putObject("period").put("from", scope.from().toString()).put("to", scope.to().toString());
        report.put("generated_at", clock.instant().toString());
        ObjectNode log = report.putObject("log");
        log.put("origin", identity.origin());
        log.put("vkey", identity.verifier().vkey());
        log.put("tree_size", size);
        log.put("checkpoint", signed.note());
        if (range.isEmpty()) {
            log.putNull("range");
        } else {
            log.putObject("range").put("first", range.first()).put("last", range.last());
        }
        ArrayNode contextJson = log.putArray("context");
        context.forEach(contextJson::add);
        log.set("checkpoints", chain(scope, computation, signed));
        ArrayNode sectionJson = report.putArray("sections");
        sections.forEach(s -> sectionJson.add(s.toJson()));
        report.put("signature", ReportSignature.sign(report, identity.signer()));

        String digest = ReportSignature.digest(report);
        long index = record(scope, keyId, id, size, digest);
        report.putObject("recorded").put("index", index).put("citation", "cairn://" + identity.origin() + "/" + index);
        store.insert(new ReportStore.Kept(id, scope.kind().wireName(), scope.workspace(), scope.subjectId(), scope.from(),
                scope.to(), digest, index, keyId, report.toString(), clock.instant()));
        if (openContent && scope.kind() == ReportKind.GDPR_ACCESS) {
            report.set("subject_content", opened(subjectEntries));
        }
        return new Made(id, report);
    }

    public Optional<ObjectNode> kept(String id) {
        return store.find(id).map(kept -> (ObjectNode) JsonBodies.JSON.readTree(kept.body()));
    }

    public List<ReportStore.Kept> list(String kind, String after, int limit) {
        return store.list(kind, after, limit);
    }

    /** A report already made for this kind, workspace and period, e.g. by an earlier run of the schedule. */
    Optional<ReportStore.Kept> existing(ReportScope scope) {
        return store.findPeriod(scope.kind().wireName(), scope.workspace(), scope.from(), scope.to());
    }

    /**
     * A subject's report reads the whole log. A period's reads every entry created in it and one
     * entry beyond each end (when the log has one), which shows that nothing of the period was
     * left out; an empty period, the entries on either side of it.
     */
    private ScanRange scanRange(ReportScope scope, long size) {
        if (size == 0) {
            return ScanRange.EMPTY;
        }
        if (scope.kind().aboutSubject()) {
            return new ScanRange(0, size - 1);
        }
        Optional<long[]> within = repository.indexRange(scope.from(), scope.to()).filter(r -> r[0] < size);
        if (within.isPresent()) {
            long first = within.get()[0];
            long last = Math.min(within.get()[1], size - 1);
            return new ScanRange(Math.max(0, first - 1), Math.min(size - 1, last + 1));
        }
        long before = repository.lastIndexBefore(scope.from()).map(i -> Math.min(i, size - 1)).orElse(0L);
        return new ScanRange(before, Math.min(size - 1, before + 1));
    }

    /** The log's first entry (the oldest, for Art. 19) and the configuration in force when the range begins. */
    private List<Long> contextEntries(ScanRange range) {
        if (range.isEmpty()) {
            return List.of();
        }
        List<Long> context = new ArrayList<>(List.of(0L));
        repository.latestOfTypeBefore(ConfigInForce.TYPE, range.first()).map(StoredEntry::index)
                .filter(index -> index > 0).ifPresent(context::add);
        return context;
    }

    private void scan(ScanRange range, long size, EntryConsumer consumer) {
        if (range.isEmpty()) {
            return;
        }
        for (long bundle = range.first() / TileId.WIDTH; bundle <= range.last() / TileId.WIDTH; bundle++) {
            TileId id = Tiles.entryBundleFor(bundle * TileId.WIDTH, size);
            List<byte[]> data = entries.bundle(id);
            if (data == null) {
                throw new IllegalStateException("entry bundle " + id.path() + " is neither in the database nor in the archive");
            }
            for (int i = 0; i < data.size(); i++) {
                long index = bundle * TileId.WIDTH + i;
                if (index >= range.first() && index <= range.last()) {
                    consumer.accept(new LoggedEntry(index, JsonBodies.JSON.readTree(data.get(i))));
                }
            }
        }
    }

    @FunctionalInterface
    private interface EntryConsumer {
        void accept(LoggedEntry entry);
    }

    private LoggedEntry parsed(long index) {
        StoredEntry stored = repository.findByIndex(index).orElseThrow();
        return new LoggedEntry(index, JsonBodies.JSON.readTree(entries.data(stored)));
    }

    /** Adds each section's attested figures and, where its articles set a bar, whether it is met. */
    private List<Section> attest(ReportScope scope, ReportComputation computation) {
        List<Section> sections = new ArrayList<>();
        for (Section section : computation.sections()) {
            List<Figure> figures = new ArrayList<>(section.figures());
            String status = "info";
            switch (section.id()) {
                case "log" -> {
                    figures.add(Figure.attested("log.checkpoints_signed", "Checkpoints signed in the period",
                            number(repository.checkpointsSigned(scope.from(), scope.to()).size()),
                            "from the server's table of checkpoints, which keeps every one signed"));
                    JsonNode completeness = section.figures().getFirst().value();
                    status = completeness.path("starts_before_period").asBoolean() && completeness.path("ends_after_period").asBoolean()
                            ? "pass" : "fail";
                }
                case "art12" -> status = "pass";
                case "art19" -> status = retention(figures, computation.tally(RetentionTally.class));
                case "art30" -> figures.add(Figure.attested("art30.keys", "Keys and where they are kept", keys(),
                        "from the server's configuration when the report was made"));
                case "art17" -> status = erasure(figures, computation.tally(ErasureTally.class));
                default -> {
                }
            }
            sections.add(new Section(section.id(), section.title(), section.articles(), section.summary(), status, figures,
                    section.notes()));
        }
        return sections;
    }

    private String retention(List<Figure> figures, RetentionTally tally) {
        Duration hot = audit.retention().hotPeriod();
        ObjectNode current = JsonBodies.JSON.createObjectNode()
                .put("hot_period_days", hot.toDays())
                .put("forced", audit.retention().force())
                .put("archive_dir", archive.root().toString());
        figures.add(Figure.attested("art19.current_setting", "Retention in force now", current,
                "cairn.audit.retention as the server runs now"));
        long size = repository.size();
        long archived = Math.min(repository.firstHotIndex(), size);
        boolean oldestReadable = size == 0 || repository.findByIndex(0).map(e -> {
            try {
                entries.data(e);
                return true;
            } catch (IllegalStateException missing) {
                return false;
            }
        }).orElse(false);
        ObjectNode archive = JsonBodies.JSON.createObjectNode()
                .put("entries_archived", archived)
                .put("bundles_archived", archived / TileId.WIDTH)
                .put("entries_in_database", size - archived)
                .put("oldest_entry_readable", oldestReadable);
        figures.add(Figure.attested("art19.archive", "Entries kept in the database and in the archive", archive,
                "from the database and the archive directory when the report was made"));
        long loggedShortest = tally.shortestDays();
        boolean met = hot.toDays() >= RetentionTally.MINIMUM_DAYS && oldestReadable
                && (loggedShortest < 0 || loggedShortest >= RetentionTally.MINIMUM_DAYS);
        return met ? "pass" : "fail";
    }

    private ObjectNode keys() {
        ObjectNode keys = JsonBodies.JSON.createObjectNode();
        keys.put("log_signing_key", audit.signingKey() != null ? "configuration" : "key file, owner-only");
        keys.put("master_key", audit.masterKey() != null ? "configuration" : "key file, owner-only");
        keys.put("data_keys", "one AES-256 key per data subject, stored wrapped (AES-256-GCM) under a key derived from "
                + "the master key; destroyed on erasure");
        keys.put("api_keys", "stored as hashes only");
        keys.put("log_vkey", identity.verifier().vkey());
        return keys;
    }

    /** Tries to open every entry an erasure should have made unreadable: none may open. */
    private String erasure(List<Figure> figures, ErasureTally tally) {
        int readable = 0;
        for (long index : tally.erasedEntries()) {
            StoredEntry stored = repository.findByIndex(index).orElseThrow();
            if ("available".equals(sealed.open(stored, JsonBodies.JSON.readTree(entries.data(stored))).state())) {
                readable++;
            }
        }
        ObjectNode checked = JsonBodies.JSON.createObjectNode()
                .put("entries_checked", tally.erasedEntries().size())
                .put("still_readable", readable);
        figures.add(Figure.attested("art17.unreadable", "Erased entries whose content no key on the server opens", checked,
                "each entry's sealed content tried with the keys the server holds when the report was made"));
        return tally.lastErasureIndex() >= 0 && readable == 0 ? "pass" : "fail";
    }

    /**
     * Checkpoints of the period (at most {@link #CHAIN_LENGTH}, spread evenly), for an erasure the
     * last one before it, and the one the report is computed against, each with a consistency proof
     * from the one before: the log of the period only grew.
     */
    private ArrayNode chain(ReportScope scope, ReportComputation computation, CheckpointPublisher.Signed latest) {
        TreeMap<Long, String> notes = new TreeMap<>();
        List<AuditRepository.StoredCheckpoint> period = scope.kind().aboutSubject() ? List.of()
                : repository.checkpointsSigned(scope.from(), scope.to());
        for (int i = 0; i < Math.min(period.size(), CHAIN_LENGTH); i++) {
            int pick = period.size() <= CHAIN_LENGTH ? i : (int) ((long) i * (period.size() - 1) / (CHAIN_LENGTH - 1));
            notes.put(period.get(pick).size(), period.get(pick).note());
        }
        if (scope.kind() == ReportKind.GDPR_ERASURE) {
            long erasure = computation.tally(ErasureTally.class).lastErasureIndex();
            if (erasure >= 0) {
                repository.checkpointAtMost(erasure).ifPresent(c -> notes.put(c.size(), c.note()));
            }
        }
        notes.put(latest.checkpoint().size(), latest.note());
        ArrayNode chain = JsonNodeFactory.instance.arrayNode();
        long previous = -1;
        for (var note : notes.headMap(latest.checkpoint().size(), true).entrySet()) {
            ObjectNode link = chain.addObject().put("size", note.getKey()).put("note", note.getValue());
            ArrayNode proof = link.putArray("consistency_from_previous");
            if (previous > 0 && previous < note.getKey()) {
                HashSource later = new TileHashSource(tile -> repository.tile(tile.level(), tile.index(), tile.width()), note.getKey());
                MerkleProofs.consistencyProof(later, previous, note.getKey())
                        .forEach(hash -> proof.add(Base64.getEncoder().encodeToString(hash)));
            }
            previous = note.getKey();
        }
        return chain;
    }

    private long record(ReportScope scope, String keyId, String id, long size, String digest) {
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("report_id", id);
        data.put("kind", scope.kind().wireName());
        data.put("subject", scope.subjectId());
        data.putObject("period").put("from", scope.from().toString()).put("to", scope.to().toString());
        data.put("checkpoint_size", size);
        data.put("sha256", digest);
        return auditLog.append(new AuditEvent(ENTRY_TYPE, Ids.newId("evt"), clock.instant(), scope.workspace(), keyId,
                null, null, data, null)).join();
    }

    /** The subject's entries with their bytes and opened content: the Art. 15 export. Never kept. */
    private ArrayNode opened(List<Long> indexes) {
        ArrayNode content = JsonBodies.JSON.createArrayNode();
        for (long index : indexes) {
            StoredEntry stored = repository.findByIndex(index).orElseThrow();
            byte[] data = entries.data(stored);
            JsonNode entry = JsonBodies.JSON.readTree(data);
            SealedContent.Opened opened = sealed.open(stored, entry);
            ObjectNode item = content.addObject();
            item.put("index", index);
            item.put("entry_canonical", Base64.getEncoder().encodeToString(data));
            item.set("entry", entry);
            item.put("content_state", opened.state());
            item.set("content", opened.content());
        }
        return content;
    }

    private static JsonNode number(long value) {
        return JsonNodeFactory.instance.numberNode(value);
    }
}
