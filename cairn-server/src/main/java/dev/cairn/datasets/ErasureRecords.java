package dev.cairn.datasets;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.StoredEntry;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PeriodicTask;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the {@code dataset.rows_erased} entries that erasures owe, from the emptied rows alone, and
 * retries in the background those an unavailable log could not take. Each entry's event id is made
 * from its version and erasure, so that an append that landed just before a crash is found and
 * recorded on the retry instead of being logged twice.
 */
@Component
class ErasureRecords {

    private static final Logger log = LoggerFactory.getLogger(ErasureRecords.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(30);

    private final DatasetRepository repository;
    private final AuditLog auditLog;
    private final AuditRepository entries;
    private final PeriodicTask retry;

    ErasureRecords(DatasetRepository repository, AuditLog auditLog, AuditRepository entries) {
        this.repository = repository;
        this.auditLog = auditLog;
        this.entries = entries;
        this.retry = PeriodicTask.start("cairn-dataset-erasure-records", RETRY_EVERY, RETRY_EVERY, this::payOwed);
    }

    /**
     * Appends every owed entry, oldest first, and stops at the first the log refuses; how many are
     * still owed. Serialised, so that the retry and an erasure never write the same entry at once.
     */
    synchronized int payOwed() {
        var owed = repository.owedErasures();
        for (int i = 0; i < owed.size(); i++) {
            try {
                pay(owed.get(i));
            } catch (CompletionException e) {
                log.warn("The audit log refused a dataset.rows_erased entry; {} owed, retried in {}", owed.size() - i,
                        RETRY_EVERY, e.getCause());
                return owed.size() - i;
            }
        }
        return 0;
    }

    private void pay(DatasetRepository.OwedErasure owed) {
        String eventId = "evt_rows_erased_" + owed.datasetId() + "_" + owed.erasureIndex();
        Optional<Long> logged = entries.findByEventId(eventId).map(StoredEntry::index);
        long index = logged.isPresent() ? logged.get()
                : auditLog.append(new AuditEvent("dataset.rows_erased", eventId, Instant.now(), owed.workspace(),
                        owed.keyId(), null, null, data(repository.erasedBy(owed), owed.erasureIndex()), null)).join();
        repository.erasureLogged(owed, index);
    }

    private static ObjectNode data(DatasetRepository.ErasedRows rows, long erasureIndex) {
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("dataset_id", rows.datasetId());
        data.put("erasure_index", erasureIndex);
        ArrayNode ordinals = data.putArray("rows");
        rows.ordinals().forEach(ordinals::add);
        ArrayNode leaves = data.putArray("leaf_hashes");
        rows.leafHashes().forEach(leaf -> leaves.add(Base64.getEncoder().encodeToString(leaf)));
        return data;
    }

    @PreDestroy
    void close() {
        retry.close();
    }
}
