package dev.cairn.gateway.anthropic;

import dev.cairn.gateway.Usage;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Turns an Anthropic Messages answer, or parts of one, into the OpenAI chat-completion shape. */
final class AnthropicResponse {

    private AnthropicResponse() {
    }

    /** The OpenAI body for a whole Messages answer; {@code created} is now, as Anthropic sends none. */
    static ObjectNode toChatCompletion(JsonNode message, String requestedModel) {
        ObjectNode out = JsonBodies.JSON.createObjectNode();
        out.put("id", message.path("id").asString(""));
        out.put("object", "chat.completion");
        out.put("created", System.currentTimeMillis() / 1000);
        out.put("model", message.path("model").asString(requestedModel));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode reply = choice.putObject("message");
        reply.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode toolCalls = JsonBodies.JSON.createArrayNode();
        for (JsonNode block : message.path("content").values()) {
            switch (block.path("type").asString("")) {
                case "text" -> {
                    text.append(block.path("text").asString(""));
                    hasText = true;
                }
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", block.path("id").asString(""));
                    call.put("type", "function");
                    call.putObject("function")
                            .put("name", block.path("name").asString(""))
                            .put("arguments", block.path("input").isObject() ? block.get("input").toString() : "{}");
                }
                default -> {
                    // Thinking and server-tool blocks have no place in an OpenAI chat message.
                }
            }
        }
        if (hasText) {
            reply.put("content", text.toString());
        } else {
            reply.putNull("content");
        }
        reply.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            reply.set("tool_calls", toolCalls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.get("stop_reason")));
        usage(message.get("usage")).putInto(out);
        return out;
    }

    /** OpenAI's finish_reason for an Anthropic stop_reason; null while the message is unfinished. */
    static String finishReason(JsonNode stopReason) {
        return stopReason == null || stopReason.isNull() ? null : StopReasons.finishReason(stopReason.asString(""));
    }

    /** Anthropic counts cached prompt tokens apart; OpenAI's prompt_tokens includes them. */
    static long promptTokens(JsonNode usage) {
        return usage.path("input_tokens").asLong(0)
                + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
    }

    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        return new Usage(promptTokens(usage), usage.path("output_tokens").asLong(0));
    }
}
