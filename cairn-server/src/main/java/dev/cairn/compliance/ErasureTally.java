package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ArrayNode;

/**
 * GDPR Art. 17: the subject's erasures, the entries whose sealed content each made unreadable
 * (every sealed entry of the subject before it), the dataset rows taken out because of it, and the
 * entries recorded for the subject since, under a new key.
 */
final class ErasureTally implements Tally {

    private final String subjectId;
    private final ArrayNode erasures = JsonBodies.JSON.createArrayNode();
    private final Set<Long> erasureIndexes = new HashSet<>();
    private final List<Long> sealedSinceLastErasure = new ArrayList<>();
    private final List<Long> erased = new ArrayList<>();
    private final ArrayNode datasetRows = JsonBodies.JSON.createArrayNode();

    ErasureTally(String subjectId) {
        this.subjectId = subjectId;
    }

    @Override
    public void accept(LoggedEntry entry) {
        switch (entry.type()) {
            case "subject.erased" -> {
                if (subjectId.equals(entry.data().path("subject").asString(null))) {
                    erasures.addObject().put("index", entry.index()).put("time", entry.json().path("time").asString())
                            .put("keys_destroyed", entry.data().path("keys_destroyed").asLong());
                    erasureIndexes.add(entry.index());
                    erased.addAll(sealedSinceLastErasure);
                    sealedSinceLastErasure.clear();
                }
            }
            case "dataset.rows_erased" -> {
                if (erasureIndexes.contains(entry.data().path("erasure_index").asLong(-1))) {
                    datasetRows.addObject().put("index", entry.index())
                            .put("dataset_id", entry.data().path("dataset_id").asString(null))
                            .put("erasure_index", entry.data().path("erasure_index").asLong())
                            .put("rows", entry.data().path("rows").size());
                }
            }
            default -> {
                if (entry.sealed() && subjectId.equals(entry.subject())) {
                    sealedSinceLastErasure.add(entry.index());
                }
            }
        }
    }

    /** Entries whose content an erasure made unreadable. */
    List<Long> erasedEntries() {
        return List.copyOf(erased);
    }

    long lastErasureIndex() {
        return erasureIndexes.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        long first = range.first();
        long last = range.last();
        return List.of(
                Figure.ofRange("art17.erasures", "Erasures of the subject", erasures, first, last),
                Figure.ofRange("art17.erased_entries", "Entries whose sealed content was made unreadable", IndexList.of(erased), first, last),
                Figure.ofRange("art17.dataset_rows", "Dataset rows taken out after the erasures", datasetRows, first, last),
                Figure.ofRange("art17.entries_since", "Entries recorded for the subject since the last erasure, under a new key",
                        IndexList.of(sealedSinceLastErasure), first, last));
    }
}
