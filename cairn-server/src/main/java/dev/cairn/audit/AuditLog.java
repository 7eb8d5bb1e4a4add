package dev.cairn.audit;

import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.cairn.ledger.EntryBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where every feature sends its events. Turns an event into its canonical entry (personal content
 * sealed under the subject's key first) and hands it to the sequencer; with durability {@code sync}
 * the caller waits until the entry is committed, with {@code async} it does not.
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** Version of the entry format; docs/audit-format.md describes each. */
    static final int FORMAT_VERSION = 1;
    static final String SEAL_ALGORITHM = "A256GCM";

    private final AuditSequencer sequencer;
    private final SubjectKeys subjectKeys;
    private final MasterKey masterKey;
    private final boolean enabled;
    private final boolean sync;

    public AuditLog(AuditSequencer sequencer, SubjectKeys subjectKeys, MasterKey masterKey, AuditProperties audit) {
        this.sequencer = sequencer;
        this.subjectKeys = subjectKeys;
        this.masterKey = masterKey;
        this.enabled = audit.enabled();
        this.sync = audit.durability() == AuditProperties.Durability.SYNC;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Records an event as the configured durability says: waits for the commit when {@code sync},
     * and throws {@link AuditException} (503) if it fails, so that the caller withholds its answer.
     */
    public void record(AuditEvent event) {
        if (!enabled) {
            return;
        }
        CompletableFuture<Long> committed = append(event);
        if (!sync) {
            committed.exceptionally(e -> {
                log.error("Audit entry {} was lost", event.eventId(), e);
                return null;
            });
            return;
        }
        try {
            committed.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AuditException.unavailable(e);
        } catch (ExecutionException | TimeoutException e) {
            throw AuditException.unavailable(e);
        }
    }

    /** Seals, encodes and queues an event; the future completes with its index once committed. */
    public CompletableFuture<Long> append(AuditEvent event) {
        return append(event, null);
    }

    /**
     * The same, for an event about an existing entry whose personal content must be sealed under
     * that entry's subject (its {@link StoredEntry#subjectId()}), so that erasing the subject
     * erases this content too; the raw subject name is not kept, so it cannot be derived again.
     */
    public CompletableFuture<Long> appendUnder(String subjectId, AuditEvent event) {
        return append(event, subjectId);
    }

    private CompletableFuture<Long> append(AuditEvent event, String knownSubjectId) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("v", FORMAT_VERSION);
        entry.put("type", event.type());
        entry.put("id", event.eventId());
        entry.put("time", DateTimeFormatter.ISO_INSTANT.format(event.time()));
        putIfPresent(entry, "workspace", event.workspace());
        putIfPresent(entry, "key_id", event.keyId());
        putIfPresent(entry, "trace_id", event.traceId());
        entry.set("data", event.data() == null ? JsonNodeFactory.instance.objectNode() : event.data());
        byte[] blob = null;
        String subjectId = null;
        byte[] data;
        if (event.personal() == null) {
            data = CanonicalJson.bytes(entry);
        } else {
            subjectId = knownSubjectId != null ? knownSubjectId : masterKey.subjectId(
                    event.workspace() == null ? "" : event.workspace(),
                    event.subject() != null ? event.subject() : "workspace:" + event.workspace());
            entry.put("subject", subjectId);
            SubjectKeys.DataKey key = subjectKeys.forSubject(subjectId, event.workspace() == null ? "" : event.workspace());
            byte[] plain = CanonicalJson.bytes(event.personal());
            // Compressed before it is encrypted (ciphertext does not compress) when the recorder
            // says all of it is one caller's own; docs/audit-format.md says why that is safe.
            byte[] deflated = event.compressible() ? SealedCompression.deflate(plain) : null;
            byte[] sealed = Aead.seal(key.key(), deflated != null ? deflated : plain, event.eventId());
            ObjectNode seal = entry.putObject("sealed");
            seal.put("alg", SEAL_ALGORITHM);
            if (deflated != null) {
                seal.put(SealedCompression.MEMBER, SealedCompression.DEFLATE);
            }
            seal.put("key", key.id());
            seal.put("ct", Base64.getEncoder().encodeToString(sealed));
            data = CanonicalJson.bytes(entry);
            if (data.length > EntryBundle.MAX_ENTRY_SIZE) {
                // Too large for an entry bundle: the entry keeps the ciphertext's digest, the
                // ciphertext goes beside it.
                seal.remove("ct");
                seal.put("ct_sha256", SealedContent.sha256Hex(sealed));
                seal.put("ct_length", sealed.length);
                blob = sealed;
                data = CanonicalJson.bytes(entry);
            }
        }
        if (data.length > EntryBundle.MAX_ENTRY_SIZE) {
            // Logged here: the caller only answers 503, and nothing else would say why.
            log.error("Audit entry {} ({}) has {} bytes outside its sealed content, over the {} an entry may hold; "
                    + "it is not recorded", event.eventId(), event.type(), data.length, EntryBundle.MAX_ENTRY_SIZE);
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "audit entry " + event.eventId() + " has " + data.length + " bytes outside its sealed content"));
        }
        return sequencer.submit(new StoredEntry(-1, event.eventId(), event.type(), event.time(), event.workspace(),
                event.keyId(), event.traceId(), subjectId, data, blob));
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
