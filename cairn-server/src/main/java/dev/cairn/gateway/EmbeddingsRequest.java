package dev.cairn.gateway;

import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An embeddings request after validation of the fields Cairn reads: {@code model} and {@code input};
 * and the end user ({@code user}) when it is a non-empty string, else null.
 */
public record EmbeddingsRequest(ObjectNode body, String model, String user) {

    /** OpenAI's own limit on inputs per request; more would make one request hold a worker for long. */
    static final int MAX_INPUTS = 2048;

    public static EmbeddingsRequest of(ObjectNode body) {
        String model = RequestFields.requiredString(body, "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw RequestException.invalid("missing_required_parameter", "input", "'input' is required");
        }
        if (input.isArray()) {
            if (input.isEmpty()) {
                throw RequestException.invalid("invalid_value", "input", "'input' must not be empty");
            }
            if (input.size() > MAX_INPUTS) {
                throw RequestException.invalid("invalid_value", "input",
                        "'input' holds " + input.size() + " items; at most " + MAX_INPUTS + " are allowed per request");
            }
            for (JsonNode item : input.values()) {
                if (!item.isString() && !item.isIntegralNumber() && !item.isArray()) {
                    throw RequestFields.wrongType("input", "a string, an array of strings or an array of token arrays");
                }
            }
        } else if (!input.isString()) {
            throw RequestFields.wrongType("input", "a string, an array of strings or an array of token arrays");
        }
        RequestFields.optionalPositiveInt(body, "dimensions");
        return new EmbeddingsRequest(body, model, RequestFields.nonEmptyString(body, "user"));
    }
}
