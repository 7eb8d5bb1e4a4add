package dev.cairn.compliance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * GDPR Art. 17: the subject's erasures, the entries whose sealed content each made unreadable (those
 * sealed under the data keys it destroyed, which its entry names), the dataset rows taken out
 * because of it, and the subject's entries under keys no erasure destroyed, recorded since.
 */
final class ErasureTally implements Tally {

    private final String subjectId;
    private final ArrayNode erasures = JsonBodies.JSON.createArrayNode();
    private final Set<Long> erasureIndexes = new HashSet<>();
    private final Set<String> destroyedKeys = new HashSet<>();
    /** The subject's sealed entries under keys no erasure has destroyed (yet), by key. */
    private final Map<String, List<Long>> live = new LinkedHashMap<>();
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
                    erase(entry.data().path("keys"));
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
                    String key = entry.json().path("sealed").path("key").asString("");
                    if (destroyedKeys.contains(key)) {
                        erased.add(entry.index()); // sealed under a key destroyed before it was sequenced
                    } else {
                        live.computeIfAbsent(key, k -> new ArrayList<>()).add(entry.index());
                    }
                }
            }
        }
    }

    /**
     * The entries sealed under the keys an erasure destroyed. An erasure recorded before its entry
     * named them destroyed every key the subject had, so everything sealed before it.
     */
    private void erase(JsonNode keys) {
        List<String> named = new ArrayList<>();
        if (keys.isArray()) {
            keys.forEach(key -> named.add(key.asString()));
        } else {
            named.addAll(live.keySet());
        }
        for (String key : named) {
            destroyedKeys.add(key);
            List<Long> entries = live.remove(key);
            if (entries != null) {
                erased.addAll(entries);
            }
        }
        erased.sort(null);
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
                Figure.ofRange("art17.entries_since", "Entries of the subject under keys no erasure destroyed (recorded since)",
                        IndexList.of(live.values().stream().flatMap(List::stream).sorted().toList()), first, last));
    }
}
