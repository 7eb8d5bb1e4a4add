package dev.cairn.compliance;

import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.CheckpointPublisher;
import dev.cairn.ledger.HashSource;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.TileHashSource;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The signed checkpoints a report shows consistent with each other, from the period's to its own. */
@Component
class CheckpointChain {

    /** Checkpoints of a period proven consistent one to the next: enough to show the log never forked. */
    static final int LENGTH = 32;

    private final AuditRepository repository;

    CheckpointChain(AuditRepository repository) {
        this.repository = repository;
    }

    /**
     * Checkpoints of the period (at most {@link #LENGTH}, spread evenly), for an erasure the
     * last one before it, and the one the report is computed against, each with a consistency proof
     * from the one before: the log of the period only grew.
     */
    ArrayNode chain(ReportScope scope, ReportComputation computation, CheckpointPublisher.Signed latest) {
        TreeMap<Long, String> notes = new TreeMap<>();
        // The empty tree's checkpoint proves nothing and has no consistency proof: it is left out.
        List<AuditRepository.StoredCheckpoint> period = scope.kind().aboutSubject() ? List.of()
                : repository.checkpointsSpread(scope.from(), scope.to(), LENGTH);
        period.forEach(c -> notes.put(c.size(), c.note()));
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
}
