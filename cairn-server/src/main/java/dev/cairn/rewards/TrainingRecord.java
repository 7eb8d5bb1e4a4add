package dev.cairn.rewards;

import dev.cairn.datasets.DatasetPreferences;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data of a run's {@code training.completed} audit entry: everything needed to say where a
 * reward model came from (the dataset version and its rows' Merkle root, the hyperparameters and
 * seed, the privacy spent and how it was accounted, the metrics, the model file's hash). The model
 * card is rendered from this entry alone ({@link ModelCard}).
 */
final class TrainingRecord {

    static final String TYPE = "training.completed";

    private TrainingRecord() {
    }

    static ObjectNode of(TrainingRun run, JsonNode settings, DatasetPreferences.Version dataset, RewardModel model,
                         JsonNode privacy, JsonNode metrics) {
        ObjectNode data = JsonBodies.JSON.createObjectNode();
        data.put("run_id", run.id());
        ObjectNode modelJson = data.putObject("model");
        modelJson.put("name", model.name());
        modelJson.put("sha256", model.sha256());
        modelJson.put("format", RewardModel.FORMAT);
        modelJson.put("kind", "bradley-terry linear head");
        modelJson.put("embedding", RewardFeatures.EMBEDDING);
        modelJson.put("features", RewardFeatures.LAYOUT);
        modelJson.put("parameters", model.weights().length);
        ObjectNode datasetJson = data.putObject("dataset");
        datasetJson.put("id", dataset.id());
        datasetJson.put("rows_root", dataset.rowsRoot());
        datasetJson.put("manifest_index", dataset.manifestIndex());
        datasetJson.put("rows", dataset.rows());
        datasetJson.put("pairs", dataset.pairs().size());
        ObjectNode training = data.putObject("training");
        training.put("algorithm", privacy.isNull() ? "sgd" : "dp-sgd");
        training.put("optimizer", "adam");
        for (String field : new String[] {"steps", "learning_rate", "sample_rate", "clip_norm", "weight_decay", "seed",
                "validation_fraction"}) {
            training.set(field, settings.get(field));
        }
        data.set("privacy", privacy);
        data.set("metrics", metrics);
        return data;
    }
}
