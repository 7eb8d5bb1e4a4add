package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * EU AI Act Art. 10: the datasets built from the log in the period with their sources and lineage,
 * the rows erasures took out of them, the reward models trained with their model cards, and the
 * privacy budget spent.
 */
final class DataGovernanceTally implements Tally {

    private final ArrayNode datasets = JsonBodies.JSON.createArrayNode();
    private final ArrayNode erasures = JsonBodies.JSON.createArrayNode();
    private final ArrayNode models = JsonBodies.JSON.createArrayNode();
    private final ArrayNode charges = JsonBodies.JSON.createArrayNode();

    @Override
    public void accept(LoggedEntry entry) {
        JsonNode data = entry.data();
        switch (entry.type()) {
            case "dataset.built" -> {
                ObjectNode row = datasets.addObject().put("index", entry.index())
                        .put("dataset_id", data.path("dataset_id").asString(null))
                        .put("workspace", entry.workspace())
                        .put("rows", data.path("rows").asLong())
                        .put("rows_root", data.path("rows_root").asString(null))
                        .put("cut_size", data.path("checkpoint").path("size").asLong())
                        .put("skipped", data.path("skipped").asLong());
                row.set("sources", data.path("sources"));
                row.set("filter", data.path("filter"));
            }
            case "dataset.rows_erased" -> erasures.addObject().put("index", entry.index())
                    .put("dataset_id", data.path("dataset_id").asString(null))
                    .put("erasure_index", data.path("erasure_index").asLong())
                    .put("rows", data.path("rows").size());
            case "training.completed" -> {
                ObjectNode row = models.addObject().put("index", entry.index())
                        .put("run_id", data.path("run_id").asString(null))
                        .put("workspace", entry.workspace());
                row.set("model", data.path("model"));
                row.set("dataset", data.path("dataset"));
                row.set("training", data.path("training"));
                row.set("privacy", data.path("privacy"));
                row.set("metrics", data.path("metrics"));
            }
            case "privacy.charged" -> {
                ObjectNode row = charges.addObject().put("index", entry.index())
                        .put("computation", data.path("computation").asString(null));
                row.set("run", data.path("run"));
                row.set("holders", data.path("holders"));
            }
            default -> {
            }
        }
    }

    @Override
    public List<Figure> figures(ScanRange range) {
        long first = range.first();
        long last = range.last();
        return List.of(
                Figure.ofRange("art10.datasets", "Dataset versions built, with their sources and lineage", datasets, first, last),
                Figure.ofRange("art10.erasures", "Rows erasures took out of dataset versions", erasures, first, last),
                Figure.ofRange("art10.reward_models", "Reward models trained, with their model cards and privacy spent", models, first, last),
                Figure.ofRange("art10.privacy_charges", "Privacy budget charges", charges, first, last));
    }
}
