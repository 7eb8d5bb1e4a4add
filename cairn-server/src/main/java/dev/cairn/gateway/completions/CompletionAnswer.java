package dev.cairn.gateway.completions;

import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat completion rewritten as the text completion a legacy client expects:
 * {@code {"id":"cmpl-…","object":"text_completion","created","model","choices":[{"text","index","logprobs":null,"finish_reason"}],"usage"}}.
 * The answer is the one the client's chat request would have got, screened by the guard; only its
 * shape changes.
 */
public final class CompletionAnswer {

    private CompletionAnswer() {
    }

    /** The text completion for a whole chat completion; with echo, each choice's text starts with the prompt. */
    public static ObjectNode of(ObjectNode completion, CompletionRequest request) {
        ObjectNode answer = shell(completion, null);
        ArrayNode choices = answer.putArray("choices");
        String echoed = request.echo() ? request.prompt() : "";
        int position = 0;
        for (JsonNode choice : completion.path("choices")) {
            JsonNode message = choice.path("message");
            choices.addObject()
                    .put("text", echoed + text(message.get("content"), message.get("refusal")))
                    .put("index", choice.path("index").asInt(position))
                    .putNull("logprobs")
                    .put("finish_reason", finishReason(choice.get("finish_reason")));
            position++;
        }
        if (completion.get("usage") instanceof ObjectNode usage) {
            answer.set("usage", usage);
        }
        return answer;
    }

    /** The members every text completion object has but choices and usage, taken from a chat completion or chunk. */
    static ObjectNode shell(ObjectNode chat, Long created) {
        ObjectNode shell = JsonBodies.JSON.createObjectNode();
        shell.put("id", id(chat.path("id").asString(null)));
        shell.put("object", "text_completion");
        JsonNode sent = chat.get("created");
        if (sent != null && sent.isIntegralNumber()) {
            shell.set("created", sent);
        } else {
            shell.put("created", created != null ? created : System.currentTimeMillis() / 1000);
        }
        shell.set("model", chat.get("model"));
        JsonNode fingerprint = chat.get("system_fingerprint");
        if (fingerprint != null && fingerprint.isString()) {
            shell.set("system_fingerprint", fingerprint);
        }
        return shell;
    }

    /** The chat id with this API's prefix ({@code chatcmpl-x} becomes {@code cmpl-x}), so that logs on both sides match. */
    static String id(String chatId) {
        if (chatId == null || chatId.isEmpty()) {
            return "cmpl-" + Ids.newId("cairn");
        }
        return chatId.startsWith("chatcmpl-") ? "cmpl-" + chatId.substring("chatcmpl-".length()) : "cmpl-" + chatId;
    }

    /**
     * A message's or delta's text: its content, or (a model that refused) its refusal, which this API
     * has no field for but the client must still see.
     */
    static String text(JsonNode content, JsonNode refusal) {
        if (content != null && content.isString()) {
            return content.stringValue();
        }
        if (content != null && content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                text.append(part.path("text").asString(""));
            }
            return text.toString();
        }
        return refusal != null && refusal.isString() ? refusal.stringValue() : "";
    }

    /**
     * This API's reasons are {@code stop}, {@code length} and {@code content_filter}; a chat model
     * that ended on a tool call was done with the text, which is a stop.
     */
    static String finishReason(JsonNode reason) {
        if (reason == null || !reason.isString()) {
            return null;
        }
        return switch (reason.stringValue()) {
            case "tool_calls", "function_call" -> "stop";
            default -> reason.stringValue();
        };
    }
}
