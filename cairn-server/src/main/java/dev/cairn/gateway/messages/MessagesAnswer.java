package dev.cairn.gateway.messages;

import java.util.UUID;

import dev.cairn.gateway.anthropic.StopReasons;
import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the gateway's chat-completion answer into an Anthropic message: the reverse of the
 * {@code anthropic} provider's answer translation. Only the first choice is read; a Messages
 * request never asks for more.
 */
public final class MessagesAnswer {

    private MessagesAnswer() {
    }

    /** The Anthropic message for a whole chat completion, answering {@code asked}. */
    public static ObjectNode message(JsonNode completion, MessagesRequest asked) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode reply = choice.path("message");
        ObjectNode out = shell(messageId(completion.path("id").asString("")), asked.model());
        ArrayNode content = out.putArray("content");
        String text = reply.path("content").asString("");
        if (text.isEmpty() && reply.path("refusal").isString()) {
            text = reply.get("refusal").stringValue();
        }
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : reply.path("tool_calls").values()) {
            JsonNode function = call.path("function");
            content.addObject().put("type", "tool_use")
                    .put("id", call.path("id").asString(""))
                    .put("name", function.path("name").asString(""))
                    .set("input", input(function.path("arguments").asString("")));
        }
        stop(out, choice, asked);
        ObjectNode usage = out.putObject("usage");
        usage(usage, completion.path("usage").path("prompt_tokens").asLong(0), completion.path("usage").path("completion_tokens").asLong(0));
        return out;
    }

    /**
     * A message with no content yet, as a stream's {@code message_start} carries it and a whole
     * answer starts: no stop reason, no usage.
     */
    static ObjectNode shell(String id, String model) {
        ObjectNode out = JsonBodies.JSON.createObjectNode();
        out.put("id", id);
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", model);
        return out;
    }

    /** An Anthropic message id: {@code msg_…}, kept as it is when the upstream is Anthropic. */
    static String messageId(String chatId) {
        if (chatId.startsWith("msg_")) {
            return chatId;
        }
        return "msg_" + (chatId.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : chatId.replaceFirst("^chatcmpl-", ""));
    }

    /** Sets {@code stop_reason} and {@code stop_sequence} from the choice's {@code finish_reason}. */
    static void stop(ObjectNode out, JsonNode choice, MessagesRequest asked) {
        JsonNode finish = choice.path("finish_reason");
        String reason = StopReasons.stopReason(finish.isString() ? finish.stringValue() : null);
        // vLLM and others name the stop sequence that matched in the choice's stop_reason; OpenAI's own
        // "stop" cannot tell a stop sequence from a natural end, and is read as end_turn.
        JsonNode matched = choice.path("stop_reason");
        if ("end_turn".equals(reason) && matched.isString() && asked.stopSequences().contains(matched.stringValue())) {
            out.put("stop_reason", "stop_sequence");
            out.put("stop_sequence", matched.stringValue());
            return;
        }
        out.put("stop_reason", reason);
        out.putNull("stop_sequence");
    }

    /** Fills Anthropic's usage object; the chat answer's prompt tokens include any cached ones, so none are split out. */
    static void usage(ObjectNode usage, long inputTokens, long outputTokens) {
        usage.put("input_tokens", inputTokens);
        usage.putNull("cache_creation_input_tokens");
        usage.putNull("cache_read_input_tokens");
        usage.put("output_tokens", outputTokens);
    }

    /**
     * A tool call's arguments as Anthropic's {@code input} object. Arguments a model wrote as broken
     * JSON become an empty input: the client then gets a tool call it can answer with an error,
     * rather than a whole answer lost.
     */
    static ObjectNode input(String arguments) {
        if (!arguments.isBlank()) {
            try {
                if (JsonBodies.JSON.readTree(arguments) instanceof ObjectNode object) {
                    return object;
                }
            } catch (JacksonException e) {
                // Falls through to the empty input.
            }
        }
        return JsonBodies.JSON.createObjectNode();
    }
}
