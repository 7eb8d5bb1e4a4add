package dev.cairn.datasets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.audit.ErasureParticipant;
import dev.cairn.ledger.Hashes;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Takes an erased subject's rows out of the dataset versions that hold them. A row's content is
 * deleted and its leaf hash kept, so the version's {@code rows_root} and the proofs over it stay
 * valid; each version's loss is recorded as a {@code dataset.rows_erased} audit entry, since its
 * {@code dataset.built} entry cannot change. Later builds need nothing: the subject's sealed content
 * can no longer be opened, so the builder skips it.
 */
@Component
class DatasetErasure implements ErasureParticipant {

    private final DatasetRepository repository;
    private final AuditLog auditLog;

    DatasetErasure(DatasetRepository repository, AuditLog auditLog) {
        this.repository = repository;
        this.auditLog = auditLog;
    }

    @Override
    public String name() {
        return "datasets";
    }

    @Override
    public List<Holding> erase(Erasure erasure) {
        List<Holding> held = new ArrayList<>();
        for (DatasetRepository.ErasedRows rows : repository.erase(erasure.workspace(), erasure.subjectId(), Hashes::leafHash)) {
            ObjectNode data = JsonBodies.JSON.createObjectNode();
            data.put("dataset_id", rows.datasetId());
            data.put("erasure_index", erasure.index());
            var ordinals = data.putArray("rows");
            rows.ordinals().forEach(ordinals::add);
            var leaves = data.putArray("leaf_hashes");
            rows.leafHashes().forEach(leaf -> leaves.add(Base64.getEncoder().encodeToString(leaf)));
            long index;
            try {
                index = auditLog.append(new AuditEvent("dataset.rows_erased", Ids.newId("evt"), Instant.now(),
                        erasure.workspace(), erasure.keyId(), null, null, data, null)).join();
            } catch (CompletionException e) {
                throw DatasetException.auditUnavailable();
            }
            repository.recordErasureEntry(rows.datasetId(), index);
            held.add(new Holding(rows.datasetId(), rows.ordinals().size()));
        }
        return held;
    }
}
