package dev.cairn.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The preference pairs of a built dataset version, as training reads them: the same pairs its
 * {@code trl-preference} export holds, with what a training record must cite about the version and
 * whose feedback the pairs come from.
 */
@Component
public class DatasetPreferences {

    /** One pair: the conversation before the answer, and the chosen and rejected assistant messages. */
    public record Pair(JsonNode prompt, JsonNode chosen, JsonNode rejected) {
    }

    /**
     * A version's pairs. {@code annotators} are the key ids that gave any preference in it, whose
     * privacy budgets a private computation over the pairs charges.
     */
    public record Version(String id, String rowsRoot, long manifestIndex, long rows, List<Pair> pairs,
                          Set<String> annotators) {
    }

    private final DatasetRepository repository;

    DatasetPreferences(DatasetRepository repository) {
        this.repository = repository;
    }

    /** Whether {@code datasetId} is a built version of the workspace, without reading its rows. */
    public boolean isBuiltIn(String workspace, String datasetId) {
        return repository.find(datasetId).filter(d -> d.workspace().equals(workspace) && d.isBuilt()).isPresent();
    }

    /**
     * The pairs of a built version of the workspace; an unknown version or another workspace's is a
     * 404. Reading stops once it holds more than {@code limit} pairs, so that a caller that takes at
     * most that many can refuse a huge version without holding all of it.
     */
    public Version of(String workspace, String datasetId, int limit) {
        Dataset dataset = repository.builtIn(datasetId, workspace);
        List<Pair> pairs = new ArrayList<>();
        Set<String> annotators = new TreeSet<>();
        long after = -1;
        while (pairs.size() <= limit) {
            List<DatasetRepository.Row> page = repository.rows(dataset.id(), after);
            for (DatasetRepository.Row row : page) {
                after = row.ordinal();
                if (row.erased()) {
                    continue; // an erased subject's pairs are out of every later computation
                }
                JsonNode parsed = JsonBodies.JSON.readTree(row.data());
                for (ObjectNode line : ExportFormat.TRL_PREFERENCE.lines(parsed)) {
                    pairs.add(new Pair(line.get("prompt"), line.get("chosen").get(0), line.get("rejected").get(0)));
                }
                for (JsonNode item : parsed.path("feedback")) {
                    String key = item.path("given_by").path("key_id").asString(null);
                    if ("preference".equals(item.path("kind").asString()) && key != null) {
                        annotators.add(key);
                    }
                }
            }
            if (page.size() < DatasetRepository.PAGE) {
                break;
            }
        }
        return new Version(dataset.id(), dataset.rowsRoot(), dataset.manifestIndex(), dataset.rows(), pairs, annotators);
    }
}
