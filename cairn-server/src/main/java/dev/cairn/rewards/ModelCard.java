package dev.cairn.rewards;

import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * A reward model's card, Hugging Face style (YAML front matter, then Markdown), rendered from its
 * run's {@code training.completed} audit entry and nothing else: what it says is what the log says.
 */
final class ModelCard {

    private ModelCard() {
    }

    /** @param entry the whole logged entry (its {@code data} is a {@link TrainingRecord}) */
    static String render(JsonNode entry, long index) {
        JsonNode data = entry.path("data");
        JsonNode model = data.path("model");
        JsonNode dataset = data.path("dataset");
        JsonNode training = data.path("training");
        JsonNode privacy = data.path("privacy");
        JsonNode metrics = data.path("metrics");
        boolean isPrivate = privacy.isObject();
        StringBuilder card = new StringBuilder();
        card.append("---\n");
        card.append("library_name: cairn\n");
        card.append("pipeline_tag: text-classification\n");
        card.append("base_model: sentence-transformers/").append(yaml(model.path("embedding").asString())).append('\n');
        card.append("tags:\n  - reward-model\n  - bradley-terry\n");
        if (isPrivate) {
            card.append("  - differential-privacy\n  - dp-sgd\n");
        }
        card.append("datasets:\n  - cairn-dataset/").append(yaml(dataset.path("id").asString())).append('\n');
        card.append("model-index:\n");
        card.append("  - name: ").append(yaml(model.path("name").asString())).append('\n');
        card.append("    results:\n");
        card.append("      - task:\n          type: text-classification\n          name: pairwise preference\n");
        card.append("        dataset:\n          type: cairn-dataset\n          name: ").append(yaml(dataset.path("id").asString())).append('\n');
        card.append("          split: validation\n");
        card.append("        metrics:\n");
        card.append("          - type: accuracy\n            name: pairwise accuracy\n            value: ")
                .append(number(metrics.path("validation_accuracy"))).append('\n');
        card.append("cairn:\n");
        card.append("  run_id: ").append(yaml(data.path("run_id").asString())).append('\n');
        card.append("  record_log_index: ").append(index).append('\n');
        card.append("  model_sha256: ").append(yaml(model.path("sha256").asString())).append('\n');
        card.append("  dataset_rows_root: ").append(yaml(dataset.path("rows_root").asString())).append('\n');
        card.append("  dataset_manifest_log_index: ").append(dataset.path("manifest_index").asLong()).append('\n');
        if (isPrivate) {
            card.append("  epsilon: ").append(number(privacy.path("epsilon"))).append('\n');
            card.append("  delta: ").append(number(privacy.path("delta"))).append('\n');
        }
        card.append("---\n\n");

        card.append("# ").append(model.path("name").asString()).append("\n\n");
        card.append("A ").append(model.path("kind").asString()).append(" reward model trained in Cairn on the preference pairs of dataset version `")
                .append(dataset.path("id").asString()).append("`. It scores a (prompt, answer) pair; only differences between ")
                .append("scores of answers to the same prompt mean anything: P(a ≻ b) = sigmoid(score(a) − score(b)).\n\n");
        card.append("## Model\n\n");
        row(card, "file format", model.path("format").asString());
        row(card, "file SHA-256", "`" + model.path("sha256").asString() + "`");
        row(card, "representation", model.path("embedding").asString() + " embeddings, `" + model.path("features").asString() + "`");
        row(card, "parameters", model.path("parameters").asString());
        card.append('\n');
        card.append("## Training data\n\n");
        row(card, "dataset version", "`" + dataset.path("id").asString() + "`");
        row(card, "rows (Merkle root)", dataset.path("rows").asString() + " (`" + dataset.path("rows_root").asString() + "`)");
        row(card, "manifest", "audit log entry " + dataset.path("manifest_index").asLong());
        row(card, "preference pairs", dataset.path("pairs").asString());
        card.append('\n');
        card.append("## Training procedure\n\n");
        for (var field : training.properties()) {
            row(card, field.getKey().replace('_', ' '), field.getValue().asString());
        }
        card.append('\n');
        card.append("## Privacy\n\n");
        if (isPrivate) {
            card.append("Trained with DP-SGD: each step samples every pair independently (Poisson sampling), clips each ")
                    .append("pair's gradient and adds Gaussian noise to their sum. The privacy unit is one preference pair.\n\n");
            for (var field : privacy.properties()) {
                row(card, field.getKey().replace('_', ' '), field.getValue().isNumber() ? number(field.getValue()) : field.getValue().asString());
            }
            card.append("\nThe (ε, δ) guarantee is computed by Rényi DP accounting of the sampled Gaussian mechanism; ")
                    .append("see Cairn's docs/privacy.md for how to read it.\n\n");
        } else {
            card.append("Trained without differential privacy: the model may reveal individual preference pairs.\n\n");
        }
        card.append("## Evaluation\n\n");
        for (var field : metrics.properties()) {
            row(card, field.getKey().replace('_', ' '), field.getValue().isNumber() ? number(field.getValue()) : field.getValue().asString());
        }
        card.append('\n');
        card.append("## Provenance\n\n");
        card.append("This card is rendered from audit log entry ").append(index).append(" (`").append(TrainingRecord.TYPE)
                .append("`), which anyone can check against a signed checkpoint with `GET /v1/audit/entries/").append(index)
                .append("`; the dataset version's rows check against its manifest with `cairn verify --dataset`.\n");
        return card.toString();
    }

    private static void row(StringBuilder card, String name, String value) {
        card.append("- **").append(name).append("**: ").append(value).append('\n');
    }

    private static String number(JsonNode value) {
        if (!value.isNumber()) {
            return "null";
        }
        double number = value.asDouble();
        return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number)
                : String.format(Locale.ROOT, "%.6g", number);
    }

    /** A YAML scalar that stays one: ids and hashes are plain, anything else is quoted. */
    private static String yaml(String text) {
        return text.matches("[A-Za-z0-9._/+=-]+") ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
