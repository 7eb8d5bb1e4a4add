package dev.cairn.gateway.responses;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One response as the Responses API shows it, built from the chat completion body Cairn ran and
 * the chat answer's first choice. The same values make the answer to {@code POST}, the events of a
 * stream and {@code GET /v1/responses/{id}} (from the audit entry), so all three agree, item ids
 * included: they are derived from the response's id.
 *
 * @param chatBody        the chat completion body as run: its model and parameters are echoed back
 * @param hasInstructions whether the body's first message is the request's {@code instructions}
 */
public record ResponseObject(String id, long createdAt, ObjectNode chatBody, boolean hasInstructions,
                             String previousResponseId, boolean store) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The id of the answer's message item. */
    public String messageItemId() {
        return "msg_" + suffix();
    }

    /** The id of the answer's {@code index}th function call item. */
    public String callItemId(int index) {
        return "fc_" + suffix() + "_" + index;
    }

    /** The instructions the response was given, or null. */
    public String instructions() {
        return hasInstructions ? chatBody.path("messages").path(0).path("content").asString(null) : null;
    }

    /** Before any of the answer: for {@code response.created} and {@code response.in_progress}. */
    public ObjectNode inProgress() {
        ObjectNode response = base("in_progress");
        response.putArray("output");
        response.putNull("usage");
        return response;
    }

    /**
     * The finished response: {@code message} is the chat answer's first choice's message,
     * {@code finishReason} its finish reason, {@code usage} the chat answer's usage (or null).
     */
    public ObjectNode finished(JsonNode message, String finishReason, JsonNode usage) {
        String status = status(finishReason);
        ObjectNode response = base(status);
        if (status.equals("incomplete")) {
            response.putObject("incomplete_details").put("reason", "length".equals(finishReason) ? "max_output_tokens" : "content_filter");
        }
        response.set("output", output(message));
        response.set("usage", usage(usage));
        return response;
    }

    /** A response that failed after it started: {@code error} is the OpenAI error object ({@code message}, {@code code}, …). */
    public ObjectNode failed(JsonNode error) {
        ObjectNode response = base("failed");
        // The Responses API's error codes are a closed list: Cairn's own code stays in the message's meaning.
        String code = error.path("code").asString("").startsWith("rate_limit") ? "rate_limit_exceeded" : "server_error";
        response.putObject("error").put("code", code)
                .put("message", error.path("message").asString("The response failed"));
        response.putArray("output");
        response.putNull("usage");
        return response;
    }

    /** {@code completed}, or {@code incomplete} for an answer cut short by its token limit or a content filter. */
    public static String status(String finishReason) {
        return "length".equals(finishReason) || "content_filter".equals(finishReason) ? "incomplete" : "completed";
    }

    /** The output items of a chat message: its text (or refusal) as a message item, then each tool call as a function call item. */
    public ArrayNode output(JsonNode message) {
        ArrayNode output = NODES.arrayNode();
        JsonNode content = message == null ? null : message.get("content");
        JsonNode refusal = message == null ? null : message.get("refusal");
        JsonNode calls = message == null ? null : message.get("tool_calls");
        boolean hasCalls = calls != null && calls.isArray() && !calls.isEmpty();
        String text = text(content);
        boolean refused = refusal != null && refusal.isString() && !refusal.stringValue().isEmpty();
        if (!text.isEmpty() || refused || !hasCalls) {
            ObjectNode item = output.addObject();
            item.put("id", messageItemId()).put("type", "message").put("role", "assistant").put("status", "completed");
            ArrayNode parts = item.putArray("content");
            if (!text.isEmpty() || !refused) {
                parts.add(outputText(text));
            }
            if (refused) {
                parts.addObject().put("type", "refusal").put("refusal", refusal.stringValue());
            }
        }
        if (hasCalls) {
            for (int i = 0; i < calls.size(); i++) {
                JsonNode call = calls.get(i);
                output.add(functionCall(i, call.path("id").asString(""), call.path("function").path("name").asString(""),
                        call.path("function").path("arguments").asString(""), "completed"));
            }
        }
        return output;
    }

    /** An {@code output_text} content part. */
    public static ObjectNode outputText(String text) {
        ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    /** A function call item. */
    public ObjectNode functionCall(int index, String callId, String name, String arguments, String status) {
        return NODES.objectNode().put("id", callItemId(index)).put("type", "function_call").put("call_id", callId)
                .put("name", name).put("arguments", arguments).put("status", status);
    }

    /** The Responses API's usage from a chat answer's; null stays null. */
    public static JsonNode usage(JsonNode chat) {
        if (chat == null || !chat.isObject()) {
            return NODES.nullNode();
        }
        long input = chat.path("prompt_tokens").asLong(0);
        long output = chat.path("completion_tokens").asLong(0);
        ObjectNode usage = NODES.objectNode();
        usage.put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens", chat.path("prompt_tokens_details").path("cached_tokens").asLong(0));
        usage.put("output_tokens", output);
        usage.putObject("output_tokens_details")
                .put("reasoning_tokens", chat.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        usage.put("total_tokens", chat.path("total_tokens").asLong(input + output));
        return usage;
    }

    /** The text of a chat message's content: a string, or its text parts joined. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asString("")));
        return text.toString();
    }

    /** The fields every state of the response has: identity, and the request's parameters as Responses API fields. */
    private ObjectNode base(String status) {
        ObjectNode response = NODES.objectNode();
        response.put("id", id);
        response.put("object", "response");
        response.put("created_at", createdAt);
        response.put("status", status);
        response.put("background", false);
        response.putNull("error");
        response.putNull("incomplete_details");
        response.put("instructions", instructions());
        putNumber(response, "max_output_tokens", chatBody.get("max_completion_tokens"));
        response.set("metadata", chatBody.has("metadata") ? chatBody.get("metadata") : NODES.objectNode());
        response.put("model", chatBody.path("model").asString());
        response.put("parallel_tool_calls", chatBody.path("parallel_tool_calls").asBoolean(true));
        response.put("previous_response_id", previousResponseId);
        if (chatBody.has("reasoning_effort")) {
            response.putObject("reasoning").set("effort", chatBody.get("reasoning_effort"));
        }
        response.put("store", store);
        response.set("temperature", chatBody.has("temperature") ? chatBody.get("temperature") : NODES.numberNode(1.0));
        ObjectNode text = response.putObject("text");
        text.set("format", textFormat(chatBody.get("response_format")));
        if (chatBody.has("verbosity")) {
            text.set("verbosity", chatBody.get("verbosity"));
        }
        response.set("tool_choice", toolChoice(chatBody.get("tool_choice")));
        response.set("tools", tools(chatBody.get("tools")));
        response.set("top_p", chatBody.has("top_p") ? chatBody.get("top_p") : NODES.numberNode(1.0));
        response.put("truncation", "disabled");
        if (chatBody.has("user")) {
            response.set("user", chatBody.get("user"));
        }
        return response;
    }

    private static void putNumber(ObjectNode into, String field, JsonNode value) {
        into.set(field, value == null ? NODES.nullNode() : value);
    }

    private static JsonNode textFormat(JsonNode format) {
        if (format == null || !format.isObject()) {
            return NODES.objectNode().put("type", "text");
        }
        String type = format.path("type").asString("text");
        if (!type.equals("json_schema")) {
            return NODES.objectNode().put("type", type);
        }
        ObjectNode out = NODES.objectNode().put("type", "json_schema");
        out.setAll((ObjectNode) format.path("json_schema").deepCopy());
        return out;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return NODES.stringNode("auto");
        }
        if (choice.isObject()) {
            return NODES.objectNode().put("type", "function").put("name", choice.path("function").path("name").asString(""));
        }
        return choice;
    }

    private static ArrayNode tools(JsonNode tools) {
        ArrayNode out = NODES.arrayNode();
        if (tools == null || !tools.isArray()) {
            return out;
        }
        for (JsonNode tool : tools) {
            JsonNode function = tool.path("function");
            ObjectNode item = out.addObject().put("type", "function").put("name", function.path("name").asString(""));
            item.set("description", function.has("description") ? function.get("description") : NODES.nullNode());
            item.set("parameters", function.has("parameters") ? function.get("parameters") : NODES.nullNode());
            item.set("strict", function.has("strict") ? function.get("strict") : NODES.nullNode());
        }
        return out;
    }

    private String suffix() {
        return id.startsWith("resp_") ? id.substring("resp_".length()) : id;
    }
}
