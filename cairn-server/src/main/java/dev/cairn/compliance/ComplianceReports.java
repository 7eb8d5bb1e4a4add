package dev.cairn.compliance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.audit.EntryStore;
import dev.cairn.audit.LogIdentity;
import dev.cairn.audit.SealedContent;
import dev.cairn.audit.StoredEntry;
import dev.cairn.ledger.TileId;
import dev.cairn.ledger.Tiles;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes compliance reports: picks the signed checkpoint to compute against, reads the period's
 * entries from the log once through the {@link ReportComputation} that a verifier runs too, adds
 * what only the server can attest (settings, the archive, whether erased content still opens),
 * signs the report with the log's key, records it in the log and keeps it.
 */
@Component
public class ComplianceReports {

    static final String ENTRY_TYPE = "compliance.report";
    /** How long a request waits for the report being made before it to finish. */
    private static final Duration BUSY_WAIT = Duration.ofSeconds(30);

    private final AuditRepository repository;
    private final EntryStore entries;
    private final CheckpointPublisher checkpoints;
    private final LogIdentity identity;
    private final AuditLog auditLog;
    private final SealedContent sealed;
    private final Attestations attestations;
    private final CheckpointChain chain;
    private final ReportStore store;
    private final Clock clock;
    private final Semaphore oneAtATime = new Semaphore(1);

    ComplianceReports(AuditRepository repository, EntryStore entries, CheckpointPublisher checkpoints, LogIdentity identity,
                      AuditLog auditLog, SealedContent sealed, Attestations attestations, CheckpointChain chain,
                      ReportStore store) {
        this.repository = repository;
        this.entries = entries;
        this.checkpoints = checkpoints;
        this.identity = identity;
        this.auditLog = auditLog;
        this.sealed = sealed;
        this.attestations = attestations;
        this.chain = chain;
        this.store = store;
        this.clock = Clock.systemUTC();
    }

    /**
     * Makes, signs, records and keeps a report, one at a time in this process (a report reads a whole
     * period of the log). {@code openContent} adds a subject's decrypted content (Art. 15) to the
     * answer; it is never kept. The answer's {@code recorded} names the report's own entry, which a
     * checkpoint covers before this returns.
     */
    public ObjectNode make(ReportScope scope, String keyId, boolean openContent) {
        try {
            if (!oneAtATime.tryAcquire(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ComplianceException.busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ComplianceException.busy();
        }
        try {
            return makeNow(scope, keyId, openContent);
        } catch (LogUnreadableException e) {
            throw ComplianceException.logUnreadable(e.getMessage());
        } finally {
            oneAtATime.release();
        }
    }

    private ObjectNode makeNow(ReportScope scope, String keyId, boolean openContent) {
        CheckpointPublisher.Signed signed = covering(scope.to());
        long size = signed.checkpoint().size();
        ScanRange range = scanRange(scope, size);
        ReportComputation computation = new ReportComputation(scope, size);
        ObjectNode context = JsonBodies.JSON.createObjectNode();
        if (!range.isEmpty()) {
            computation.oldest(parsed(0));
            context.put("oldest", 0);
            Optional<Long> configuration = repository.latestOfTypeBefore(ConfigInForce.TYPE, range.first()).map(StoredEntry::index);
            configuration.ifPresent(index -> computation.configuration(parsed(index)));
            context.put("configuration", configuration.orElse(null));
        }
        scan(range, size, computation::scanned);
        List<Section> sections = attestations.attest(scope, computation);

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
        log.set("context", context);
        log.set("checkpoints", chain.chain(scope, computation, signed));
        ArrayNode sectionJson = report.putArray("sections");
        sections.forEach(s -> sectionJson.add(s.toJson()));
        report.put("signature", ReportSignature.sign(report, identity.signer()));

        String digest = ReportSignature.digest(report);
        long index = record(scope, keyId, id, size, digest);
        checkpoints.covering(index);
        report.putObject("recorded").put("index", index).put("citation", "cairn://" + identity.origin() + "/" + index);
        store.insert(new ReportStore.Kept(id, scope.kind().wireName(), scope.workspace(), scope.subjectId(), scope.from(),
                scope.to(), digest, index, keyId, report.toString(), clock.instant()));
        if (openContent && scope.kind() == ReportKind.GDPR_ACCESS) {
            report.set("subject_content", opened(computation.tally(SubjectAccessTally.class).entries()));
        }
        return report;
    }

    /**
     * A checkpoint that covers every entry created before {@code to}: one created just before it may
     * still be on its way to the log when the latest checkpoint is signed, and a verifier would find
     * it after the report's range.
     */
    private CheckpointPublisher.Signed covering(Instant to) {
        CheckpointPublisher.Signed signed = checkpoints.publish();
        for (int tries = 0; tries < 100; tries++) {
            long size = signed.checkpoint().size();
            boolean pending = repository.createdAt(size).map(at -> at.isBefore(to)).orElse(false);
            if (!pending) {
                return signed;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            signed = checkpoints.publish();
        }
        return signed;
    }

    public Optional<ObjectNode> kept(String id) {
        return store.find(id).map(kept -> (ObjectNode) JsonBodies.JSON.readTree(kept.body()));
    }

    public List<ReportStore.Kept> list(String after, int limit) {
        return store.list(after, limit);
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

    private void scan(ScanRange range, long size, EntryConsumer consumer) {
        if (range.isEmpty()) {
            return;
        }
        for (long bundle = range.first() / TileId.WIDTH; bundle <= range.last() / TileId.WIDTH; bundle++) {
            TileId id = Tiles.entryBundleFor(bundle * TileId.WIDTH, size);
            List<byte[]> data = entries.bundle(id);
            if (data == null) {
                throw new LogUnreadableException("entry bundle " + id.path() + " is neither in the database nor in the archive");
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
        try {
            return new LoggedEntry(index, JsonBodies.JSON.readTree(entries.data(stored)));
        } catch (IllegalStateException e) {
            throw new LogUnreadableException(e.getMessage());
        }
    }

    /** An entry the report must read is in neither the database nor the archive. */
    private static final class LogUnreadableException extends RuntimeException {
        LogUnreadableException(String message) {
            super(message);
        }
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

}
