package dev.cairn.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request to score (prompt, answer) pairs, read once from the body of {@code POST /v1/rewards/score}:
 * {@code {"model", "input": [{"prompt", "answer"}, …]}}. A prompt is plain text or a chat's
 * {@code messages}; an answer plain text or an assistant message. Chat shapes are rendered as
 * training renders a dataset's pairs ({@link PairText}), so a served score means what it meant in
 * training.
 */
record ScoreRequest(String model, List<RewardScorer.Candidate> candidates) {

    /**
     * Each text is embedded on the request's thread, some 20 to 35 ms a pair on two cores whatever the
     * batch (BENCHMARKS.md): a call this size holds a core for seconds, and a larger one belongs in a job.
     */
    static final int MAX_PAIRS = 256;
    private static final Set<String> FIELDS = Set.of("model", "input");
    private static final Set<String> PAIR_FIELDS = Set.of("prompt", "answer");

    static ScoreRequest read(ObjectNode body) {
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw RewardException.invalid("unknown_parameter", name, "Unknown field '" + name + "'; the fields are " + new TreeSet<>(FIELDS));
            }
        }
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw RewardException.invalid("missing_required_parameter", "model", "'model' is required: the name of a reward model");
        }
        if (!model.isString() || model.stringValue().isBlank()) {
            throw RewardException.invalid("invalid_type", "model", "'model' must be a reward model's name");
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw RewardException.invalid("missing_required_parameter", "input", "'input' is required: an array of {\"prompt\", \"answer\"}");
        }
        if (!input.isArray()) {
            throw RewardException.invalid("invalid_type", "input", "'input' must be an array of {\"prompt\", \"answer\"}");
        }
        if (input.isEmpty() || input.size() > MAX_PAIRS) {
            throw RewardException.invalid("invalid_value", "input", "'input' must hold 1 to " + MAX_PAIRS + " pairs, not " + input.size());
        }
        List<RewardScorer.Candidate> candidates = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            candidates.add(pair(input.get(i), "input[" + i + "]"));
        }
        return new ScoreRequest(model.stringValue(), List.copyOf(candidates));
    }

    private static RewardScorer.Candidate pair(JsonNode pair, String path) {
        if (!pair.isObject()) {
            throw RewardException.invalid("invalid_type", path, "'" + path + "' must be an object {\"prompt\", \"answer\"}");
        }
        for (String name : pair.propertyNames()) {
            if (!PAIR_FIELDS.contains(name)) {
                throw RewardException.invalid("unknown_parameter", path + "." + name,
                        "Unknown field '" + path + "." + name + "'; the fields are " + new TreeSet<>(PAIR_FIELDS));
            }
        }
        return new RewardScorer.Candidate(prompt(pair.get("prompt"), path + ".prompt"), answer(pair.get("answer"), path + ".answer"));
    }

    private static String prompt(JsonNode prompt, String path) {
        if (prompt == null || prompt.isNull()) {
            throw RewardException.invalid("missing_required_parameter", path, "'" + path + "' is required");
        }
        if (prompt.isString()) {
            return prompt.stringValue();
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw RewardException.invalid("invalid_type", path, "'" + path + "' must be a string or a non-empty array of chat messages");
        }
        for (int i = 0; i < prompt.size(); i++) {
            message(prompt.get(i), path + "[" + i + "]");
        }
        return PairText.prompt(prompt);
    }

    private static String answer(JsonNode answer, String path) {
        if (answer == null || answer.isNull()) {
            throw RewardException.invalid("missing_required_parameter", path, "'" + path + "' is required");
        }
        if (answer.isString()) {
            return answer.stringValue();
        }
        if (!answer.isObject()) {
            throw RewardException.invalid("invalid_type", path, "'" + path + "' must be a string or an assistant message");
        }
        message(answer, path);
        return PairText.answer(answer);
    }

    /** A chat message as far as {@link PairText} reads it: a string role and string or array content. */
    private static void message(JsonNode message, String path) {
        if (!message.isObject()) {
            throw RewardException.invalid("invalid_type", path, "'" + path + "' must be a message object with 'role' and 'content'");
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isString()) {
            throw RewardException.invalid("invalid_type", path + ".role", "'" + path + ".role' must be a string");
        }
        JsonNode content = message.get("content");
        if (content != null && !content.isNull() && !content.isString() && !content.isArray()) {
            throw RewardException.invalid("invalid_type", path + ".content", "'" + path + ".content' must be a string or an array of content parts");
        }
    }
}
