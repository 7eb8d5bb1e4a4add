package dev.cairn.gateway;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Token counts of one call, as the provider reported them. */
public record Usage(long promptTokens, long completionTokens) {

    public static final Usage NONE = new Usage(0, 0);

    /** Reads an OpenAI {@code usage} object; absent or malformed counts become zero. */
    public static Usage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return NONE;
        }
        return new Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
    }

    /** Writes these counts as OpenAI's {@code usage} object into {@code target}. */
    public void putInto(ObjectNode target) {
        target.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
    }
}
