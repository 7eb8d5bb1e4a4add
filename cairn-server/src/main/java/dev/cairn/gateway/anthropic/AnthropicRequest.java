package dev.cairn.gateway.anthropic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an OpenAI chat-completions body into an Anthropic Messages body. Fields Anthropic has no
 * equivalent for (seed, logprobs, response_format, penalties …) are dropped; requests it cannot
 * honour at all ({@code n > 1}) are refused with a 400.
 */
final class AnthropicRequest {

    private AnthropicRequest() {
    }

    static ObjectNode translate(ObjectNode chat, int defaultMaxTokens) {
        if (chat.path("n").asInt(1) > 1) {
            throw RequestException.invalid("invalid_value", "n", "Anthropic models return one choice per request; 'n' must be 1");
        }
        ObjectNode out = JsonBodies.JSON.createObjectNode();
        out.put("model", chat.path("model").asString(""));
        // Anthropic requires max_tokens; OpenAI lets it default to "as much as the model allows".
        JsonNode max = firstPresent(chat, "max_completion_tokens", "max_tokens");
        out.put("max_tokens", max == null ? defaultMaxTokens : max.asInt());
        translateMessages(chat.path("messages"), out);
        copyNumber(chat, "temperature", out);
        copyNumber(chat, "top_p", out);
        stopSequences(chat.get("stop"), out);
        JsonNode user = chat.get("user");
        if (user != null && user.isString() && !user.stringValue().isEmpty()) {
            out.putObject("metadata").put("user_id", user.stringValue());
        }
        tools(chat, out);
        if (chat.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return out;
    }

    /** One Anthropic message while it is built; consecutive same-role messages merge into one. */
    private record Turn(String role, ArrayNode content) {
    }

    private static void translateMessages(JsonNode messages, ObjectNode out) {
        List<String> system = new ArrayList<>();
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            String role = message.path("role").asString("");
            switch (role) {
                case "system", "developer" -> {
                    String text = plainText(message.get("content"), path + ".content");
                    if (!text.isEmpty()) {
                        system.add(text);
                    }
                }
                case "user" -> append(turns, "user", contentBlocks(message.get("content"), path + ".content"));
                case "assistant" -> append(turns, "assistant", assistantBlocks(message, path));
                case "tool" -> append(turns, "user", toolResult(message, path));
                default -> throw RequestException.invalid("invalid_value", path + ".role",
                        "Role '" + role + "' cannot be sent to an Anthropic model; use 'tool' messages for tool results");
            }
        }
        if (!system.isEmpty()) {
            out.put("system", String.join("\n\n", system));
        }
        ArrayNode translated = out.putArray("messages");
        for (Turn turn : turns) {
            ObjectNode message = translated.addObject();
            message.put("role", turn.role());
            message.set("content", turn.content());
        }
    }

    private static void append(List<Turn> turns, String role, ArrayNode blocks) {
        // Anthropic rejects empty messages and requires user and assistant turns to alternate.
        if (blocks.isEmpty()) {
            return;
        }
        Turn last = turns.isEmpty() ? null : turns.getLast();
        if (last != null && last.role().equals(role)) {
            last.content().addAll(blocks);
        } else {
            turns.add(new Turn(role, blocks));
        }
    }

    private static ArrayNode contentBlocks(JsonNode content, String path) {
        ArrayNode blocks = JsonBodies.JSON.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isString()) {
            addText(blocks, content.stringValue());
            return blocks;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.path("type").asString("");
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asString(""));
                case "refusal" -> addText(blocks, part.path("refusal").asString(""));
                case "image_url" -> blocks.add(image(part.get("image_url"), partPath + ".image_url"));
                default -> throw RequestException.invalid("invalid_value", partPath + ".type",
                        "Content part type '" + type + "' cannot be sent to an Anthropic model (text and image_url can)");
            }
        }
        return blocks;
    }

    private static void addText(ArrayNode blocks, String text) {
        // Anthropic refuses empty text blocks.
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
    }

    private static ObjectNode image(JsonNode imageUrl, String path) {
        JsonNode url = imageUrl != null && imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
        if (url == null || !url.isString()) {
            throw RequestException.invalid("invalid_value", path, "'" + path + "' must hold a 'url'");
        }
        String value = url.stringValue();
        ObjectNode block = JsonBodies.JSON.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            int comma = value.indexOf(',');
            String header = comma < 0 ? "" : value.substring(5, comma);
            if (!header.endsWith(";base64")) {
                throw RequestException.invalid("invalid_value", path,
                        "Image data URLs must be base64-encoded (data:<media-type>;base64,<data>)");
            }
            source.put("type", "base64");
            source.put("media_type", header.substring(0, header.length() - ";base64".length()));
            source.put("data", value.substring(comma + 1));
        } else if (lower.startsWith("https://") || lower.startsWith("http://")) {
            source.put("type", "url");
            source.put("url", value);
        } else {
            throw RequestException.invalid("invalid_value", path, "Image URLs must be http(s) or base64 data URLs");
        }
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode message, String path) {
        ArrayNode blocks = contentBlocks(message.get("content"), path + ".content");
        JsonNode calls = message.get("tool_calls");
        if (calls == null || !calls.isArray()) {
            return blocks;
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String callPath = path + ".tool_calls[" + i + "]";
            JsonNode function = call.path("function");
            ObjectNode block = blocks.addObject();
            block.put("type", "tool_use");
            block.put("id", call.path("id").asString(""));
            block.put("name", function.path("name").asString(""));
            JsonNode arguments = function.path("arguments");
            if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isString()) {
                // OpenAI sends arguments as a JSON string; anything else would be silently lost.
                throw RequestException.invalid("invalid_type", callPath + ".function.arguments",
                        "'" + callPath + ".function.arguments' must be a string of JSON");
            }
            block.set("input", arguments(arguments.asString(""), callPath + ".function.arguments"));
        }
        return blocks;
    }

    private static ObjectNode arguments(String arguments, String path) {
        if (arguments.isBlank()) {
            return JsonBodies.JSON.createObjectNode();
        }
        try {
            JsonNode parsed = JsonBodies.JSON.readTree(arguments);
            if (parsed instanceof ObjectNode object) {
                return object;
            }
        } catch (JacksonException e) {
            // Reported below, with the same message as a non-object.
        }
        throw RequestException.invalid("invalid_value", path, "'" + path + "' must be a JSON object encoded as a string");
    }

    private static ArrayNode toolResult(JsonNode message, String path) {
        ArrayNode blocks = JsonBodies.JSON.createArrayNode();
        ObjectNode result = blocks.addObject();
        result.put("type", "tool_result");
        result.put("tool_use_id", message.path("tool_call_id").asString(""));
        JsonNode content = message.get("content");
        if (content != null && content.isArray()) {
            result.set("content", contentBlocks(content, path + ".content"));
        } else {
            result.put("content", content == null || content.isNull() ? "" : content.asString(""));
        }
        return blocks;
    }

    /** The text of a system message, whose parts can only be text. */
    private static String plainText(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            if (!"text".equals(part.path("type").asString(""))) {
                throw RequestException.invalid("invalid_value", path + "[" + i + "].type",
                        "System and developer messages can only hold text parts");
            }
            text.append(part.path("text").asString(""));
        }
        return text.toString();
    }

    private static void stopSequences(JsonNode stop, ObjectNode out) {
        if (stop == null || stop.isNull()) {
            return;
        }
        ArrayNode sequences = JsonBodies.JSON.createArrayNode();
        if (stop.isString()) {
            sequences.add(stop.stringValue());
        } else if (stop.isArray()) {
            for (JsonNode sequence : stop.values()) {
                if (!sequence.isString()) {
                    throw RequestException.invalid("invalid_type", "stop", "'stop' must be a string or an array of strings");
                }
                sequences.add(sequence.stringValue());
            }
        } else {
            throw RequestException.invalid("invalid_type", "stop", "'stop' must be a string or an array of strings");
        }
        if (!sequences.isEmpty()) {
            out.set("stop_sequences", sequences);
        }
    }

    private static void tools(ObjectNode chat, ObjectNode out) {
        JsonNode tools = chat.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            // Anthropic refuses tool_choice without tools, and OpenAI ignores it then.
            return;
        }
        ArrayNode translated = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asString(""))) {
                throw RequestException.invalid("invalid_value", "tools[" + i + "].type",
                        "Only 'function' tools can be sent to an Anthropic model");
            }
            JsonNode function = tool.path("function");
            ObjectNode item = translated.addObject();
            item.put("name", function.path("name").asString(""));
            JsonNode description = function.get("description");
            if (description != null && description.isString()) {
                item.put("description", description.stringValue());
            }
            JsonNode parameters = function.get("parameters");
            if (parameters != null && parameters.isObject()) {
                item.set("input_schema", parameters);
            } else {
                // OpenAI allows a function without parameters; Anthropic requires a schema.
                item.putObject("input_schema").put("type", "object").putObject("properties");
            }
        }
        ObjectNode choice = toolChoice(chat.get("tool_choice"));
        if (chat.path("parallel_tool_calls").isBoolean() && !chat.get("parallel_tool_calls").booleanValue()) {
            if (choice == null) {
                choice = JsonBodies.JSON.createObjectNode().put("type", "auto");
            }
            // Anthropic's "none" choice takes no other field; it rules out parallel calls anyway.
            if (!"none".equals(choice.path("type").asString(""))) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ObjectNode out = JsonBodies.JSON.createObjectNode();
        if (choice.isString()) {
            switch (choice.stringValue()) {
                case "auto" -> out.put("type", "auto");
                case "none" -> out.put("type", "none");
                case "required" -> out.put("type", "any");
                default -> throw RequestException.invalid("invalid_value", "tool_choice",
                        "'tool_choice' must be 'auto', 'none', 'required' or a function");
            }
            return out;
        }
        String name = choice.path("function").path("name").asString("");
        if (!"function".equals(choice.path("type").asString("")) || name.isEmpty()) {
            throw RequestException.invalid("invalid_value", "tool_choice",
                    "'tool_choice' must be 'auto', 'none', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}");
        }
        return out.put("type", "tool").put("name", name);
    }

    private static JsonNode firstPresent(ObjectNode chat, String... fields) {
        for (String field : fields) {
            JsonNode value = chat.get(field);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    private static void copyNumber(ObjectNode chat, String field, ObjectNode out) {
        JsonNode value = chat.get(field);
        if (value != null && value.isNumber()) {
            out.set(field, value);
        }
    }
}
