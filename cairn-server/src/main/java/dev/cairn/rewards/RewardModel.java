package dev.cairn.rewards;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.cairn.audit.CanonicalJson;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A trained reward model: a linear Bradley-Terry head over {@link RewardFeatures}. Its file is the
 * canonical JSON of {@link #file()}; the SHA-256 of those bytes is what its training record and model
 * card cite, so anyone holding the file can check it is the model they describe.
 */
public record RewardModel(String workspace, String name, String runId, double[] weights) {

    /** Names the file layout and the features it expects, so a file is never read as something else. */
    static final String FORMAT = "cairn.reward-model.v1";

    /** The score of one (prompt, answer)'s features; only differences between scores mean anything. */
    public double score(double[] features) {
        return DpSgd.dot(weights, features);
    }

    /** The model file's bytes. */
    public byte[] file() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("embedding", RewardFeatures.EMBEDDING);
        json.put("features", RewardFeatures.LAYOUT);
        json.put("prompt_tail_chars", RewardFeatures.PROMPT_TAIL_CHARS);
        ArrayNode array = json.putArray("weights");
        for (double weight : weights) {
            array.add(weight);
        }
        return CanonicalJson.bytes(json);
    }

    /** Lower-case hex SHA-256 of {@link #file()}. */
    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Reads a model file written by {@link #file()}. */
    static RewardModel read(String workspace, String name, String runId, byte[] file) {
        JsonNode json = JsonBodies.JSON.readTree(new String(file, StandardCharsets.UTF_8));
        if (!FORMAT.equals(json.path("format").asString(null))) {
            throw new IllegalStateException("reward model '" + name + "' is not a " + FORMAT + " file");
        }
        JsonNode array = json.path("weights");
        double[] weights = new double[array.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = array.get(i).asDouble();
        }
        return new RewardModel(workspace, name, runId, weights);
    }
}
