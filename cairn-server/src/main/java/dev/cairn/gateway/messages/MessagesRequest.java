package dev.cairn.gateway.messages;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request to Anthropic's Messages API, read once and translated into the chat-completions body
 * the gateway runs; the reverse of the {@code anthropic} provider's request translation. What the
 * answer's translation needs of the request travels with it.
 *
 * <p>Anthropic's fields without an OpenAI equivalent are dropped rather than refused, so that
 * clients written for Anthropic work unchanged: {@code top_k} (no OpenAI-compatible upstream takes
 * it, and the {@code anthropic} provider would not pass it on), {@code thinking} and thinking
 * blocks (only Anthropic's own models produce or read them), {@code cache_control} (a prompt-cache
 * hint no other provider reads), a tool result's {@code is_error} (the result's text says it).
 * Content a chat model could not be given (documents, server tools) is refused with a 400.
 *
 * @param chat          the chat-completions body
 * @param model         the model as the client named it: Cairn's model name, answered back as such
 * @param stream        whether the answer is to be streamed as Anthropic's events
 * @param stopSequences the request's stop sequences, to tell a stop sequence from a natural end
 */
public record MessagesRequest(ObjectNode chat, String model, boolean stream, List<String> stopSequences) {

    /** A request to {@code POST /v1/messages}: {@code max_tokens} is required, as Anthropic requires it. */
    public static MessagesRequest read(ObjectNode body) {
        return translate(body, true);
    }

    /** A request to {@code POST /v1/messages/count_tokens}: the prompt alone, no {@code max_tokens}. */
    public static MessagesRequest forCounting(ObjectNode body) {
        return translate(body, false);
    }

    private static MessagesRequest translate(ObjectNode body, boolean answered) {
        ObjectNode chat = JsonBodies.JSON.createObjectNode();
        String model = requiredString(body, "model");
        chat.put("model", model);
        ArrayNode messages = chat.putArray("messages");
        system(body.get("system"), messages);
        messages(body.get("messages"), messages);
        if (answered) {
            JsonNode max = body.get("max_tokens");
            if (max == null || max.isNull()) {
                throw RequestException.invalid("missing_required_parameter", "max_tokens", "'max_tokens' is required");
            }
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1) {
                throw RequestException.invalid("invalid_type", "max_tokens", "'max_tokens' must be a positive integer");
            }
            chat.put("max_tokens", max.intValue());
        }
        number(body, "temperature", chat);
        number(body, "top_p", chat);
        if (body.get("top_k") != null && !body.get("top_k").isNull() && !body.get("top_k").isIntegralNumber()) {
            throw RequestException.invalid("invalid_type", "top_k", "'top_k' must be an integer");
        }
        List<String> stops = stopSequences(body.get("stop_sequences"));
        if (!stops.isEmpty()) {
            ArrayNode stop = chat.putArray("stop");
            stops.forEach(stop::add);
        }
        boolean stream = bool(body, "stream");
        if (stream) {
            chat.put("stream", true);
            // The usage chunk becomes message_delta's usage, which Anthropic's clients read.
            chat.putObject("stream_options").put("include_usage", true);
        }
        user(body.get("metadata"), chat);
        tools(body, chat);
        return new MessagesRequest(chat, model, stream, stops);
    }

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        String text;
        if (system.isString()) {
            text = system.stringValue();
        } else if (system.isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < system.size(); i++) {
                JsonNode block = system.get(i);
                if (!block.isObject() || !"text".equals(block.path("type").asString("")) || !block.path("text").isString()) {
                    throw RequestException.invalid("invalid_value", "system[" + i + "]",
                            "'system[" + i + "]' must be a text block: {\"type\":\"text\",\"text\":\"...\"}");
                }
                parts.add(block.get("text").stringValue());
            }
            // Separate blocks are separate passages; run together they would merge their last and first words.
            text = String.join("\n\n", parts);
        } else {
            throw RequestException.invalid("invalid_type", "system", "'system' must be a string or an array of text blocks");
        }
        if (!text.isEmpty()) {
            messages.addObject().put("role", "system").put("content", text);
        }
    }

    private static void messages(JsonNode messages, ArrayNode out) {
        if (messages == null || messages.isNull()) {
            throw RequestException.invalid("missing_required_parameter", "messages", "'messages' is required");
        }
        if (!messages.isArray()) {
            throw RequestException.invalid("invalid_type", "messages", "'messages' must be an array of message objects");
        }
        if (messages.isEmpty()) {
            throw RequestException.invalid("invalid_value", "messages", "'messages' must contain at least one message");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            if (!message.isObject()) {
                throw RequestException.invalid("invalid_type", path, "'" + path + "' must be an object with 'role' and 'content'");
            }
            JsonNode content = message.get("content");
            if (content == null || !content.isString() && !content.isArray()) {
                throw RequestException.invalid("invalid_type", path + ".content",
                        "'" + path + ".content' must be a string or an array of content blocks");
            }
            String role = message.path("role").isString() ? message.get("role").stringValue() : "";
            switch (role) {
                case "user" -> user(content, path + ".content", out);
                case "assistant" -> assistant(content, path + ".content", out);
                default -> throw RequestException.invalid("invalid_value", path + ".role",
                        "'" + path + ".role' must be 'user' or 'assistant'");
            }
        }
    }

    /**
     * A user turn: its tool results become {@code tool} messages, which must follow the assistant's
     * tool calls directly; its other blocks one user message after them.
     */
    private static void user(JsonNode content, String path, ArrayNode out) {
        if (content.isString()) {
            out.addObject().put("role", "user").put("content", content.stringValue());
            return;
        }
        ArrayNode parts = JsonBodies.JSON.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = block(content, i, path);
            String blockPath = path + "[" + i + "]";
            switch (block.get("type").stringValue()) {
                case "text" -> parts.addObject().put("type", "text").put("text", text(block, blockPath));
                case "image" -> parts.add(image(block, blockPath));
                case "tool_result" -> toolResult(block, blockPath, out, parts);
                case "thinking", "redacted_thinking" -> {
                    // Only Anthropic's models read their thinking back; see the type's comment.
                }
                default -> throw unsupported(block, blockPath);
            }
        }
        if (!parts.isEmpty()) {
            out.addObject().put("role", "user").set("content", parts);
        }
    }

    /**
     * One tool result as a {@code tool} message. Tool messages take text only; a result's images go
     * into {@code after}, the user message that follows the tool messages.
     */
    private static void toolResult(JsonNode block, String path, ArrayNode out, ArrayNode after) {
        JsonNode id = block.get("tool_use_id");
        if (id == null || !id.isString() || id.stringValue().isEmpty()) {
            throw RequestException.invalid("invalid_value", path + ".tool_use_id", "'" + path + ".tool_use_id' is required");
        }
        ObjectNode message = out.addObject().put("role", "tool").put("tool_call_id", id.stringValue());
        JsonNode content = block.get("content");
        if (content == null || content.isNull()) {
            message.put("content", "");
        } else if (content.isString()) {
            message.put("content", content.stringValue());
        } else if (content.isArray()) {
            ArrayNode parts = message.putArray("content");
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = block(content, i, path + ".content");
                String partPath = path + ".content[" + i + "]";
                switch (part.get("type").stringValue()) {
                    case "text" -> parts.addObject().put("type", "text").put("text", text(part, partPath));
                    case "image" -> after.add(image(part, partPath));
                    default -> throw unsupported(part, partPath);
                }
            }
            if (parts.isEmpty()) {
                message.put("content", "");
            }
        } else {
            throw RequestException.invalid("invalid_type", path + ".content",
                    "'" + path + ".content' must be a string or an array of content blocks");
        }
    }

    /** An assistant turn: its text as the content, its tool uses as tool calls with their input as a JSON string. */
    private static void assistant(JsonNode content, String path, ArrayNode out) {
        ObjectNode message = JsonBodies.JSON.createObjectNode().put("role", "assistant");
        if (content.isString()) {
            out.add(message.put("content", content.stringValue()));
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = JsonBodies.JSON.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = block(content, i, path);
            String blockPath = path + "[" + i + "]";
            switch (block.get("type").stringValue()) {
                case "text" -> text.append(text(block, blockPath));
                case "tool_use" -> {
                    JsonNode id = block.get("id");
                    JsonNode name = block.get("name");
                    JsonNode input = block.get("input");
                    if (id == null || !id.isString() || name == null || !name.isString() || input != null && !input.isObject()) {
                        throw RequestException.invalid("invalid_value", blockPath,
                                "'" + blockPath + "' must have a string 'id' and 'name' and an object 'input'");
                    }
                    ObjectNode call = calls.addObject().put("id", id.stringValue()).put("type", "function");
                    call.putObject("function").put("name", name.stringValue())
                            .put("arguments", input == null ? "{}" : input.toString());
                }
                case "thinking", "redacted_thinking" -> {
                    // Only Anthropic's models read their thinking back; see the type's comment.
                }
                default -> throw unsupported(block, blockPath);
            }
        }
        if (text.isEmpty() && calls.isEmpty()) {
            return; // nothing a chat model could be shown
        }
        if (text.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        out.add(message);
    }

    /** Block {@code i} of {@code blocks}, checked to be an object with a string type. */
    private static JsonNode block(JsonNode blocks, int i, String path) {
        JsonNode block = blocks.get(i);
        if (!block.isObject() || !block.path("type").isString()) {
            throw RequestException.invalid("invalid_type", path + "[" + i + "]",
                    "'" + path + "[" + i + "]' must be a content block with a 'type'");
        }
        return block;
    }

    private static String text(JsonNode block, String path) {
        JsonNode text = block.get("text");
        if (text == null || !text.isString()) {
            throw RequestException.invalid("invalid_type", path + ".text", "'" + path + ".text' must be a string");
        }
        return text.stringValue();
    }

    /** An image block as an {@code image_url} part: a base64 source as a data URL, a URL source as it is. */
    private static ObjectNode image(JsonNode block, String path) {
        JsonNode source = block.path("source");
        String type = source.path("type").asString("");
        String url = switch (type) {
            case "base64" -> {
                JsonNode mediaType = source.get("media_type");
                JsonNode data = source.get("data");
                if (mediaType == null || !mediaType.isString() || data == null || !data.isString()) {
                    throw RequestException.invalid("invalid_value", path + ".source",
                            "'" + path + ".source' of type base64 must have a string 'media_type' and 'data'");
                }
                yield "data:" + mediaType.stringValue() + ";base64," + data.stringValue();
            }
            case "url" -> {
                JsonNode address = source.get("url");
                String lower = address != null && address.isString() ? address.stringValue().toLowerCase(Locale.ROOT) : "";
                if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
                    throw RequestException.invalid("invalid_value", path + ".source.url",
                            "'" + path + ".source.url' must be an http(s) URL");
                }
                yield address.stringValue();
            }
            default -> throw RequestException.invalid("invalid_value", path + ".source.type",
                    "'" + path + ".source.type' must be 'base64' or 'url'");
        };
        ObjectNode part = JsonBodies.JSON.createObjectNode().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static RequestException unsupported(JsonNode block, String path) {
        return RequestException.invalid("invalid_value", path + ".type", "Content block type '" + block.get("type").stringValue()
                + "' is not supported by Cairn's Messages API (text, image, tool_use and tool_result are)");
    }

    private static List<String> stopSequences(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        List<String> sequences = new ArrayList<>();
        if (stop.isArray()) {
            for (JsonNode sequence : stop) {
                if (!sequence.isString()) {
                    sequences = null;
                    break;
                }
                sequences.add(sequence.stringValue());
            }
        }
        if (sequences == null || !stop.isArray()) {
            throw RequestException.invalid("invalid_type", "stop_sequences", "'stop_sequences' must be an array of strings");
        }
        return List.copyOf(sequences);
    }

    private static void user(JsonNode metadata, ObjectNode chat) {
        if (metadata == null || metadata.isNull()) {
            return;
        }
        if (!metadata.isObject()) {
            throw RequestException.invalid("invalid_type", "metadata", "'metadata' must be an object");
        }
        JsonNode user = metadata.get("user_id");
        if (user != null && !user.isNull() && !user.isString()) {
            throw RequestException.invalid("invalid_type", "metadata.user_id", "'metadata.user_id' must be a string");
        }
        if (user != null && user.isString() && !user.stringValue().isEmpty()) {
            chat.put("user", user.stringValue());
        }
    }

    private static void tools(ObjectNode body, ObjectNode chat) {
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw RequestException.invalid("invalid_type", "tools", "'tools' must be an array of tools");
            }
            ArrayNode functions = JsonBodies.JSON.createArrayNode();
            for (int i = 0; i < tools.size(); i++) {
                functions.add(function(tools.get(i), "tools[" + i + "]"));
            }
            if (!functions.isEmpty()) {
                chat.set("tools", functions);
            }
        }
        toolChoice(body.get("tool_choice"), chat);
    }

    private static ObjectNode function(JsonNode tool, String path) {
        if (!tool.isObject()) {
            throw RequestException.invalid("invalid_type", path, "'" + path + "' must be a tool object");
        }
        // Custom tools have no type, or "custom"; Anthropic's server tools ("web_search_20250305" …) run at Anthropic.
        String type = tool.path("type").asString("custom");
        if (!"custom".equals(type)) {
            throw RequestException.invalid("invalid_value", path + ".type", "Tool type '" + type
                    + "' is one of Anthropic's server tools, which Cairn cannot offer every provider; define it as a custom tool");
        }
        JsonNode name = tool.get("name");
        if (name == null || !name.isString() || name.stringValue().isEmpty()) {
            throw RequestException.invalid("invalid_value", path + ".name", "'" + path + ".name' is required");
        }
        JsonNode schema = tool.get("input_schema");
        if (schema == null || !schema.isObject()) {
            throw RequestException.invalid("invalid_value", path + ".input_schema", "'" + path + ".input_schema' must be a JSON schema object");
        }
        ObjectNode out = JsonBodies.JSON.createObjectNode().put("type", "function");
        ObjectNode function = out.putObject("function").put("name", name.stringValue());
        JsonNode description = tool.get("description");
        if (description != null && description.isString()) {
            function.put("description", description.stringValue());
        }
        function.set("parameters", schema);
        return out;
    }

    private static void toolChoice(JsonNode choice, ObjectNode chat) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject()) {
            throw RequestException.invalid("invalid_type", "tool_choice", "'tool_choice' must be an object with a 'type'");
        }
        switch (choice.path("type").asString("")) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            case "tool" -> {
                JsonNode name = choice.get("name");
                if (name == null || !name.isString() || name.stringValue().isEmpty()) {
                    throw RequestException.invalid("invalid_value", "tool_choice.name", "'tool_choice.name' is required for type 'tool'");
                }
                chat.putObject("tool_choice").put("type", "function").putObject("function").put("name", name.stringValue());
            }
            default -> throw RequestException.invalid("invalid_value", "tool_choice.type",
                    "'tool_choice.type' must be 'auto', 'any', 'tool' or 'none'");
        }
        JsonNode parallel = choice.get("disable_parallel_tool_use");
        if (parallel != null && parallel.isBoolean() && parallel.booleanValue() && chat.has("tools")) {
            chat.put("parallel_tool_calls", false);
        }
        if (!chat.has("tools")) {
            // OpenAI refuses a tool_choice without tools; Anthropic's clients send one anyway.
            chat.remove("tool_choice");
        }
    }

    private static String requiredString(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw RequestException.invalid("missing_required_parameter", field, "'" + field + "' is required");
        }
        if (!value.isString()) {
            throw RequestException.invalid("invalid_type", field, "'" + field + "' must be a string");
        }
        if (value.stringValue().isBlank()) {
            throw RequestException.invalid("invalid_value", field, "'" + field + "' must not be empty");
        }
        return value.stringValue();
    }

    private static void number(ObjectNode body, String field, ObjectNode chat) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw RequestException.invalid("invalid_type", field, "'" + field + "' must be a number");
        }
        chat.set(field, value);
    }

    private static boolean bool(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw RequestException.invalid("invalid_type", field, "'" + field + "' must be a boolean");
        }
        return value.booleanValue();
    }
}
