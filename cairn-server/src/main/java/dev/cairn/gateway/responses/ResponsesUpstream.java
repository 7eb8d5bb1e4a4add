package dev.cairn.gateway.responses;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.cairn.gateway.ChatChunk;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The other direction, for a provider configured with {@code api: responses}: the chat completion
 * body the pipeline built becomes a Responses API request, and the upstream's response (or its
 * events) a chat completion (or its chunks). It mirrors {@link ResponsesRequest} and
 * {@link ResponseObject}: what one translates, the other translates back. The upstream is asked not
 * to store anything ({@code store: false}): Cairn keeps its own record.
 */
public final class ResponsesUpstream {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResponsesUpstream() {
    }

    /** The Responses API request for a chat completion body (whose {@code model} is already the upstream's). */
    public static ObjectNode request(ObjectNode chat) {
        ObjectNode out = NODES.objectNode();
        out.set("model", chat.get("model"));
        ArrayNode input = out.putArray("input");
        for (JsonNode message : chat.path("messages")) {
            String role = message.path("role").asString("user");
            switch (role) {
                case "tool" -> input.addObject().put("type", "function_call_output")
                        .put("call_id", message.path("tool_call_id").asString(""))
                        .put("output", ResponseObject.text(message.get("content")));
                case "assistant" -> {
                    String text = ResponseObject.text(message.get("content"));
                    if (!text.isEmpty()) {
                        input.addObject().put("role", "assistant").put("content", text);
                    }
                    for (JsonNode call : message.path("tool_calls")) {
                        input.addObject().put("type", "function_call").put("call_id", call.path("id").asString(""))
                                .put("name", call.path("function").path("name").asString(""))
                                .put("arguments", call.path("function").path("arguments").asString(""));
                    }
                }
                default -> input.addObject().put("role", role.equals("function") ? "user" : role)
                        .set("content", content(message.get("content")));
            }
        }
        JsonNode tools = chat.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode responsesTools = out.putArray("tools");
            for (JsonNode tool : tools) {
                JsonNode function = tool.path("function");
                ObjectNode item = responsesTools.addObject().put("type", "function").put("name", function.path("name").asString(""));
                for (String field : new String[] {"description", "parameters", "strict"}) {
                    if (function.has(field)) {
                        item.set(field, function.get(field));
                    }
                }
            }
        }
        JsonNode choice = chat.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            out.set("tool_choice", choice.isObject()
                    ? NODES.objectNode().put("type", "function").put("name", choice.path("function").path("name").asString(""))
                    : choice);
        }
        JsonNode format = chat.get("response_format");
        if (format != null && format.isObject()) {
            ObjectNode textFormat = NODES.objectNode().put("type", format.path("type").asString("text"));
            if (format.get("json_schema") instanceof ObjectNode schema) {
                textFormat.setAll(schema);
            }
            out.putObject("text").set("format", textFormat);
        }
        if (chat.has("verbosity")) {
            (out.get("text") instanceof ObjectNode text ? text : out.putObject("text")).set("verbosity", chat.get("verbosity"));
        }
        JsonNode max = chat.has("max_completion_tokens") ? chat.get("max_completion_tokens") : chat.get("max_tokens");
        if (max != null && !max.isNull()) {
            out.set("max_output_tokens", max);
        }
        for (String field : new String[] {"temperature", "top_p", "parallel_tool_calls", "user", "metadata", "service_tier"}) {
            if (chat.has(field) && !chat.get(field).isNull()) {
                out.set(field, chat.get(field));
            }
        }
        if (chat.has("reasoning_effort")) {
            out.putObject("reasoning").set("effort", chat.get("reasoning_effort"));
        }
        out.put("store", false);
        if (chat.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return out;
    }

    /** A finished Responses API response as a chat completion. */
    public static ObjectNode answer(JsonNode response) {
        ObjectNode chat = NODES.objectNode();
        chat.put("id", response.path("id").asString(""));
        chat.put("object", "chat.completion");
        chat.put("created", response.path("created_at").asLong(0));
        chat.put("model", response.path("model").asString(""));
        ObjectNode choice = chat.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        ArrayNode calls = NODES.arrayNode();
        for (JsonNode item : response.path("output")) {
            switch (item.path("type").asString("")) {
                case "message" -> item.path("content").forEach(part -> {
                    if ("refusal".equals(part.path("type").asString(""))) {
                        refusal.append(part.path("refusal").asString(""));
                    } else {
                        text.append(part.path("text").asString(""));
                    }
                });
                case "function_call" -> calls.addObject().put("id", item.path("call_id").asString(""))
                        .put("type", "function").putObject("function")
                        .put("name", item.path("name").asString("")).put("arguments", item.path("arguments").asString(""));
                default -> {
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        message.put("refusal", refusal.isEmpty() ? null : refusal.toString());
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        choice.put("finish_reason", finishReason(response, !calls.isEmpty()));
        JsonNode usage = response.get("usage");
        if (usage != null && usage.isObject()) {
            chat.putObject("usage").put("prompt_tokens", usage.path("input_tokens").asLong(0))
                    .put("completion_tokens", usage.path("output_tokens").asLong(0))
                    .put("total_tokens", usage.path("total_tokens").asLong(0));
        }
        return chat;
    }

    /**
     * Turns a Responses API event stream into chat chunks, event by event: text deltas into content,
     * function call items and their argument deltas into tool call deltas, the completed response
     * into the finish reason and the usage chunk. An event that says the response failed is told to
     * {@code failed} with its message.
     */
    public static final class Chunks {

        private final Consumer<ChatChunk> sink;
        private final Consumer<String> failed;
        private final Map<String, Integer> calls = new HashMap<>();
        private String id = "";
        private String model = "";
        private long created;
        private boolean completed;

        public Chunks(Consumer<ChatChunk> sink, Consumer<String> failed) {
            this.sink = sink;
            this.failed = failed;
        }

        /** Whether the response completed (or ended incomplete); a stream that ends before did not. */
        public boolean completed() {
            return completed;
        }

        public void event(JsonNode event) {
            String type = event.path("type").asString("");
            switch (type) {
                case "response.created" -> {
                    JsonNode response = event.path("response");
                    id = response.path("id").asString("");
                    model = response.path("model").asString("");
                    created = response.path("created_at").asLong(0);
                    send(delta().put("role", "assistant"), null);
                }
                case "response.output_text.delta", "response.refusal.delta" ->
                        send(delta().put(type.equals("response.refusal.delta") ? "refusal" : "content", event.path("delta").asString("")), null);
                case "response.output_item.added" -> {
                    JsonNode item = event.path("item");
                    if ("function_call".equals(item.path("type").asString(""))) {
                        int index = calls.size();
                        calls.put(item.path("id").asString(""), index);
                        ObjectNode delta = delta();
                        ObjectNode call = delta.putArray("tool_calls").addObject().put("index", index)
                                .put("id", item.path("call_id").asString("")).put("type", "function");
                        call.putObject("function").put("name", item.path("name").asString(""))
                                .put("arguments", item.path("arguments").asString(""));
                        send(delta, null);
                    }
                }
                case "response.function_call_arguments.delta" -> {
                    Integer index = calls.get(event.path("item_id").asString(""));
                    if (index != null) {
                        ObjectNode delta = delta();
                        delta.putArray("tool_calls").addObject().put("index", index).putObject("function")
                                .put("arguments", event.path("delta").asString(""));
                        send(delta, null);
                    }
                }
                case "response.completed", "response.incomplete" -> {
                    completed = true;
                    JsonNode response = event.path("response");
                    send(delta(), finishReason(response, !calls.isEmpty()));
                    JsonNode usage = response.get("usage");
                    if (usage != null && usage.isObject()) {
                        ObjectNode chunk = chunk();
                        chunk.putArray("choices");
                        chunk.putObject("usage").put("prompt_tokens", usage.path("input_tokens").asLong(0))
                                .put("completion_tokens", usage.path("output_tokens").asLong(0))
                                .put("total_tokens", usage.path("total_tokens").asLong(0));
                        sink.accept(ChatChunk.of(chunk));
                    }
                }
                case "response.failed" -> failed.accept(event.path("response").path("error").path("message").asString("the response failed"));
                case "error" -> failed.accept(event.path("message").asString("the stream failed"));
                default -> {
                }
            }
        }

        private ObjectNode delta() {
            return NODES.objectNode();
        }

        private void send(ObjectNode delta, String finishReason) {
            ObjectNode chunk = chunk();
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            choice.put("finish_reason", finishReason);
            sink.accept(ChatChunk.of(chunk));
        }

        private ObjectNode chunk() {
            return NODES.objectNode().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        }
    }

    private static String finishReason(JsonNode response, boolean calledTools) {
        if ("incomplete".equals(response.path("status").asString(""))) {
            return "content_filter".equals(response.path("incomplete_details").path("reason").asString("")) ? "content_filter" : "length";
        }
        return calledTools ? "tool_calls" : "stop";
    }

    /** A chat message's content as Responses input content: a string, or parts ({@code input_text}, {@code input_image}). */
    private static JsonNode content(JsonNode content) {
        if (content == null || content.isNull()) {
            return NODES.stringNode("");
        }
        if (!content.isArray()) {
            return content;
        }
        ArrayNode parts = NODES.arrayNode();
        for (JsonNode part : content) {
            if ("image_url".equals(part.path("type").asString(""))) {
                ObjectNode image = parts.addObject().put("type", "input_image")
                        .put("image_url", part.path("image_url").path("url").asString(""));
                if (part.path("image_url").has("detail")) {
                    image.set("detail", part.path("image_url").get("detail"));
                }
            } else {
                parts.addObject().put("type", "input_text").put("text", part.path("text").asString(""));
            }
        }
        return parts;
    }
}
