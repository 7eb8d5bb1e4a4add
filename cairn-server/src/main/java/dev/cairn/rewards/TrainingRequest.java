package dev.cairn.rewards;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request to train a reward model, read once from the body of {@code POST /v1/training/runs}.
 * Privacy is asked for either as a target ({@code privacy: {epsilon, delta}}, from which the smallest
 * noise multiplier that meets it is computed) or as a noise multiplier with a δ to account it at;
 * neither trains without privacy.
 *
 * @param epsilon the target ε, or null when the noise multiplier is given or privacy is off
 * @param delta δ, or null when privacy is off
 * @param noiseMultiplier σ, or null when it is to be computed from the target ε (0: no privacy)
 * @param validationFraction the share of pairs held out to measure accuracy, chosen by a hash of the prompt
 */
record TrainingRequest(String datasetId, String model, int steps, double learningRate, double sampleRate,
                       double clipNorm, double weightDecay, long seed, double validationFraction,
                       Double epsilon, Double delta, Double noiseMultiplier) {

    /**
     * Bounds on what one request may ask of the shared worker for long jobs: a run's steps, and a
     * target ε (past 100 no guarantee means anything, and calibrating noise for it costs the most).
     */
    static final int MAX_STEPS = 100_000;
    static final double MAX_EPSILON = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of("dataset_id", "model", "steps", "learning_rate", "sample_rate",
            "clip_norm", "weight_decay", "seed", "validation_fraction", "privacy");
    private static final Set<String> PRIVACY_FIELDS = Set.of("epsilon", "delta", "noise_multiplier");

    boolean isPrivate() {
        return delta != null;
    }

    static TrainingRequest read(ObjectNode body) {
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw RewardException.invalid("unknown_parameter", name, "Unknown field '" + name + "'; the fields are " + new TreeSet<>(FIELDS));
            }
        }
        String dataset = text(body, "dataset_id");
        String model = text(body, "model");
        if (!NAME.matcher(model).matches()) {
            throw RewardException.invalid("invalid_value", "model",
                    "A model name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        int steps = (int) integer(body, "steps", 300, 1, MAX_STEPS);
        double learningRate = number(body, "learning_rate", 0.01, 0, false, 10);
        double sampleRate = number(body, "sample_rate", 0.1, 0, false, 1);
        double clipNorm = number(body, "clip_norm", 1.0, 0, false, 1e6);
        double weightDecay = number(body, "weight_decay", 0.001, 0, true, 10);
        long seed = integer(body, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        double validation = number(body, "validation_fraction", 0.2, 0, true, 0.9);
        JsonNode privacy = body.get("privacy");
        if (privacy == null || privacy.isNull()) {
            return new TrainingRequest(dataset, model, steps, learningRate, sampleRate, clipNorm, weightDecay, seed,
                    validation, null, null, null);
        }
        if (!privacy.isObject()) {
            throw RewardException.invalid("invalid_type", "privacy", "Expected an object {\"epsilon\", \"delta\"} or {\"noise_multiplier\", \"delta\"}");
        }
        for (String name : privacy.propertyNames()) {
            if (!PRIVACY_FIELDS.contains(name)) {
                throw RewardException.invalid("unknown_parameter", "privacy." + name,
                        "Unknown field 'privacy." + name + "'; the fields are " + new TreeSet<>(PRIVACY_FIELDS));
            }
        }
        ObjectNode fields = (ObjectNode) privacy;
        double delta = number(fields, "delta", Double.NaN, 0, false, 1, "privacy.delta");
        if (Double.isNaN(delta) || delta >= 1) {
            throw RewardException.invalid("invalid_value", "privacy.delta", "privacy.delta is required, above 0 and below 1");
        }
        boolean hasEpsilon = fields.hasNonNull("epsilon");
        if (hasEpsilon == fields.hasNonNull("noise_multiplier")) {
            throw RewardException.invalid("invalid_value", "privacy",
                    "Give privacy.epsilon (a target) or privacy.noise_multiplier, one of them");
        }
        Double epsilon = hasEpsilon ? number(fields, "epsilon", 0, 0, false, MAX_EPSILON, "privacy.epsilon") : null;
        Double sigma = hasEpsilon ? null : number(fields, "noise_multiplier", 0, 0, false, 1e6, "privacy.noise_multiplier");
        return new TrainingRequest(dataset, model, steps, learningRate, sampleRate, clipNorm, weightDecay, seed,
                validation, epsilon, delta, sigma);
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw RewardException.invalid("missing_required_parameter", field, "'" + field + "' is required");
        }
        if (!value.isString() || value.asString().isBlank()) {
            throw RewardException.invalid("invalid_type", field, "'" + field + "' must be a non-empty string");
        }
        return value.asString();
    }

    private static long integer(JsonNode body, String field, long fallback, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw RewardException.invalid("invalid_type", field, "'" + field + "' must be an integer");
        }
        long number = value.asLong();
        if (number < min || number > max) {
            throw RewardException.invalid("invalid_value", field, "'" + field + "' must be from " + min + " to " + max);
        }
        return number;
    }

    private static double number(JsonNode body, String field, double fallback, double min, boolean minIncluded, double max) {
        return number(body, field, fallback, min, minIncluded, max, field);
    }

    private static double number(JsonNode body, String field, double fallback, double min, boolean minIncluded, double max,
                                 String param) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw RewardException.invalid("invalid_type", param, "'" + param + "' must be a number");
        }
        double number = value.asDouble();
        if (!Double.isFinite(number) || number > max || number < min || (!minIncluded && number == min)) {
            throw RewardException.invalid("invalid_value", param, "'" + param + "' must be " + (minIncluded ? "at least " : "above ")
                    + min + " and at most " + max);
        }
        return number;
    }
}
