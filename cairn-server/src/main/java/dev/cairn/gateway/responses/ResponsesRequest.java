package dev.cairn.gateway.responses;

import java.util.List;
import java.util.Set;

import dev.cairn.platform.RequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Responses API request ({@code POST /v1/responses}), checked and translated into the chat
 * completion body the gateway runs: {@code instructions} a leading system message, {@code input}
 * items chat messages, function tools chat tools, {@code text.format} a {@code response_format}.
 * A field with no chat equivalent that would change the answer (built-in tools, server-side
 * conversations, background runs) is refused by name rather than ignored; fields that change
 * nothing a chat answer says ({@code include}, {@code truncation}, {@code prompt_cache_key}, …) are
 * accepted and left out.
 *
 * @param input the {@code input} as chat messages, in order
 */
public record ResponsesRequest(ObjectNode body, String model, ArrayNode input, String instructions, boolean stream,
                               boolean store, String previousResponseId) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> UNSUPPORTED = Set.of("background", "conversation", "prompt", "max_tool_calls");

    /**
     * Finds an output item of a stored response by its id, for an {@code item_reference} input
     * item; {@code param} names where it was referenced, for the 404 of one not found.
     */
    @FunctionalInterface
    public interface Items {
        JsonNode item(String id, String param);

        Items NONE = (id, param) -> {
            throw ResponsesException.itemNotFound(id, param);
        };
    }

    public static ResponsesRequest of(ObjectNode body) {
        return of(body, Items.NONE);
    }

    public static ResponsesRequest of(ObjectNode body, Items items) {
        for (String field : UNSUPPORTED) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull() && !(value.isBoolean() && !value.booleanValue())) {
                throw unsupported(field, "'" + field + "' is not supported by Cairn's Responses API");
            }
        }
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw RequestException.invalid("missing_required_parameter", "model", "'model' is required");
        }
        if (!model.isString() || model.stringValue().isBlank()) {
            throw wrongType("model", "a model name");
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw RequestException.invalid("missing_required_parameter", "input", "'input' is required");
        }
        String previous = optionalString(body, "previous_response_id");
        return new ResponsesRequest(body, model.stringValue(), messages(input, items), optionalString(body, "instructions"),
                optionalBoolean(body, "stream", false), optionalBoolean(body, "store", true), previous);
    }

    /**
     * The chat completion body: the instructions, then {@code history} (the earlier turns of a
     * continued conversation, as chat messages), then the input; and the parameters translated.
     */
    public ObjectNode chatBody(List<JsonNode> history) {
        ObjectNode chat = NODES.objectNode();
        chat.put("model", model);
        ArrayNode messages = chat.putArray("messages");
        if (instructions != null) {
            messages.addObject().put("role", "system").put("content", instructions);
        }
        history.forEach(messages::add);
        input.forEach(messages::add);
        if (messages.isEmpty()) {
            throw RequestException.invalid("invalid_value", "input", "'input' must contain at least one item");
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            ArrayNode chatTools = tools(tools);
            if (!chatTools.isEmpty()) {
                chat.set("tools", chatTools);
            }
        }
        JsonNode toolChoice = body.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull()) {
            chat.set("tool_choice", toolChoice(toolChoice));
        }
        JsonNode text = body.get("text");
        if (text != null && !text.isNull()) {
            if (!text.isObject()) {
                throw wrongType("text", "an object");
            }
            JsonNode format = text.get("format");
            if (format != null && !format.isNull()) {
                chat.set("response_format", responseFormat(format));
            }
            copyString(text, "verbosity", "text.verbosity", chat, "verbosity");
        }
        JsonNode reasoning = body.get("reasoning");
        if (reasoning != null && !reasoning.isNull()) {
            if (!reasoning.isObject()) {
                throw wrongType("reasoning", "an object");
            }
            copyString(reasoning, "effort", "reasoning.effort", chat, "reasoning_effort");
        }
        JsonNode maxOutput = body.get("max_output_tokens");
        if (maxOutput != null && !maxOutput.isNull()) {
            if (!maxOutput.isIntegralNumber() || !maxOutput.canConvertToInt() || maxOutput.intValue() < 1) {
                throw wrongType("max_output_tokens", "a positive integer");
            }
            chat.put("max_completion_tokens", maxOutput.intValue());
        }
        for (String number : new String[] {"temperature", "top_p"}) {
            JsonNode value = body.get(number);
            if (value != null && !value.isNull()) {
                if (!value.isNumber()) {
                    throw wrongType(number, "a number");
                }
                chat.set(number, value);
            }
        }
        if (body.has("parallel_tool_calls") && !body.get("parallel_tool_calls").isNull()) {
            chat.put("parallel_tool_calls", optionalBoolean(body, "parallel_tool_calls", true));
        }
        String user = optionalString(body, "user");
        if (user != null) {
            chat.put("user", user);
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw wrongType("metadata", "an object of string values");
            }
            chat.set("metadata", metadata);
        }
        copyString(body, "service_tier", "service_tier", chat, "service_tier");
        if (stream) {
            chat.put("stream", true);
            // The usage chunk is what response.completed reports.
            chat.putObject("stream_options").put("include_usage", true);
        }
        return chat;
    }

    private static ArrayNode messages(JsonNode input, Items items) {
        ArrayNode messages = NODES.arrayNode();
        if (input.isString()) {
            messages.addObject().put("role", "user").put("content", input.stringValue());
            return messages;
        }
        if (!input.isArray()) {
            throw wrongType("input", "a string or an array of input items");
        }
        for (int i = 0; i < input.size(); i++) {
            String at = "input[" + i + "]";
            JsonNode item = input.get(i);
            if (!item.isObject()) {
                throw wrongType(at, "an input item object");
            }
            if ("item_reference".equals(item.path("type").asString(""))) {
                // An earlier response's own output item, named by its id (the Vercel AI SDK does so for stored responses).
                item = items.item(requiredString(item, "id", at + ".id"), at + ".id");
            }
            String type = item.hasNonNull("type") ? requiredString(item, "type", at + ".type") : item.has("role") ? "message" : null;
            if (type == null) {
                throw RequestException.invalid("missing_required_parameter", at + ".type", "'" + at + ".type' is required");
            }
            switch (type) {
                case "message" -> messages.add(message(item, at));
                case "function_call" -> functionCall(item, at, messages);
                case "function_call_output" -> messages.addObject().put("role", "tool")
                        .put("tool_call_id", requiredString(item, "call_id", at + ".call_id"))
                        .put("content", toolOutput(item.get("output"), at + ".output"));
                // The model's own reasoning, handed back by agents: a chat model has none to be given.
                case "reasoning" -> {
                }
                default -> throw unsupported(at + ".type", "Input items of type '" + type
                        + "' are not supported; use message, function_call and function_call_output items");
            }
        }
        return messages;
    }

    private static ObjectNode message(JsonNode item, String at) {
        String role = requiredString(item, "role", at + ".role");
        if (!MESSAGE_ROLES.contains(role)) {
            throw RequestException.invalid("invalid_value", at + ".role", "'" + at + ".role' must be one of "
                    + MESSAGE_ROLES + ", not '" + role + "'");
        }
        ObjectNode message = NODES.objectNode().put("role", role);
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) {
            throw RequestException.invalid("missing_required_parameter", at + ".content", "'" + at + ".content' is required");
        }
        if (content.isString()) {
            return message.put("content", content.stringValue());
        }
        if (!content.isArray()) {
            throw wrongType(at + ".content", "a string or an array of content parts");
        }
        boolean textOnly = !role.equals("user");
        ArrayNode parts = NODES.arrayNode();
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < content.size(); p++) {
            String partAt = at + ".content[" + p + "]";
            JsonNode part = content.get(p);
            if (!part.isObject()) {
                throw wrongType(partAt, "a content part object");
            }
            String type = requiredString(part, "type", partAt + ".type");
            switch (type) {
                case "input_text", "output_text", "text" -> {
                    String value = requiredString(part, "text", partAt + ".text");
                    parts.addObject().put("type", "text").put("text", value);
                    text.append(value);
                }
                case "refusal" -> {
                    String value = requiredString(part, "refusal", partAt + ".refusal");
                    parts.addObject().put("type", "text").put("text", value);
                    text.append(value);
                }
                case "input_image" -> {
                    if (textOnly) {
                        throw RequestException.invalid("invalid_value", partAt + ".type", "Only user messages may hold images");
                    }
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isString()) {
                        throw unsupported(partAt + ".image_url", "An input_image needs an 'image_url' (a URL or a data: URL); "
                                + "file ids are not supported");
                    }
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url").put("url", url.stringValue());
                    copyString(part, "detail", partAt + ".detail", image, "detail");
                }
                default -> throw unsupported(partAt + ".type", "Content parts of type '" + type
                        + "' are not supported; use input_text, output_text and input_image");
            }
        }
        // Assistant, system and developer turns as one string: every chat upstream reads that form.
        return textOnly ? message.put("content", text.toString()) : message.set("content", parts);
    }

    /** A call the model made earlier: onto the assistant turn before it, as OpenAI's chat API keeps parallel calls. */
    private static void functionCall(JsonNode item, String at, ArrayNode messages) {
        ObjectNode call = NODES.objectNode();
        call.put("id", requiredString(item, "call_id", at + ".call_id"));
        call.put("type", "function");
        call.putObject("function").put("name", requiredString(item, "name", at + ".name"))
                .put("arguments", requiredString(item, "arguments", at + ".arguments"));
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        ObjectNode assistant;
        if (last instanceof ObjectNode previous && "assistant".equals(previous.path("role").asString(""))) {
            assistant = previous;
        } else {
            assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
        }
        (assistant.get("tool_calls") instanceof ArrayNode calls ? calls : assistant.putArray("tool_calls")).add(call);
    }

    private static String toolOutput(JsonNode output, String at) {
        if (output == null || output.isNull()) {
            throw RequestException.invalid("missing_required_parameter", at, "'" + at + "' is required");
        }
        if (output.isString()) {
            return output.stringValue();
        }
        if (!output.isArray()) {
            throw wrongType(at, "a string or an array of input_text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < output.size(); p++) {
            JsonNode part = output.get(p);
            if (!part.isObject() || !"input_text".equals(part.path("type").asString(""))) {
                throw unsupported(at + "[" + p + "]", "A function call's output is text: a string or input_text parts");
            }
            text.append(requiredString(part, "text", at + "[" + p + "].text"));
        }
        return text.toString();
    }

    private static ArrayNode tools(JsonNode tools) {
        if (!tools.isArray()) {
            throw wrongType("tools", "an array of tools");
        }
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw wrongType(at, "a tool object");
            }
            String type = requiredString(tool, "type", at + ".type");
            if (!type.equals("function")) {
                throw unsupported(at + ".type", "Built-in tool '" + type + "' is not supported by Cairn; only function tools are");
            }
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.put("name", requiredString(tool, "name", at + ".name"));
            copyString(tool, "description", at + ".description", function, "description");
            JsonNode parameters = tool.get("parameters");
            if (parameters != null && !parameters.isNull()) {
                if (!parameters.isObject()) {
                    throw wrongType(at + ".parameters", "a JSON Schema object");
                }
                function.set("parameters", parameters);
            }
            JsonNode strict = tool.get("strict");
            if (strict != null && !strict.isNull()) {
                if (!strict.isBoolean()) {
                    throw wrongType(at + ".strict", "a boolean");
                }
                function.set("strict", strict);
            }
        }
        return out;
    }

    private static JsonNode toolChoice(JsonNode choice) {
        if (choice.isString()) {
            String mode = choice.stringValue();
            if (!Set.of("none", "auto", "required").contains(mode)) {
                throw RequestException.invalid("invalid_value", "tool_choice", "'tool_choice' must be none, auto, required or a function");
            }
            return choice;
        }
        if (!choice.isObject()) {
            throw wrongType("tool_choice", "a string or an object");
        }
        String type = requiredString(choice, "type", "tool_choice.type");
        if (!type.equals("function")) {
            throw unsupported("tool_choice.type", "tool_choice of type '" + type + "' is not supported; only function is");
        }
        ObjectNode out = NODES.objectNode().put("type", "function");
        out.putObject("function").put("name", requiredString(choice, "name", "tool_choice.name"));
        return out;
    }

    private static ObjectNode responseFormat(JsonNode format) {
        if (!format.isObject()) {
            throw wrongType("text.format", "an object");
        }
        String type = requiredString(format, "type", "text.format.type");
        return switch (type) {
            case "text", "json_object" -> NODES.objectNode().put("type", type);
            case "json_schema" -> {
                ObjectNode out = NODES.objectNode().put("type", "json_schema");
                ObjectNode schema = out.putObject("json_schema");
                schema.put("name", requiredString(format, "name", "text.format.name"));
                JsonNode value = format.get("schema");
                if (value == null || !value.isObject()) {
                    throw wrongType("text.format.schema", "a JSON Schema object");
                }
                schema.set("schema", value);
                copyString(format, "description", "text.format.description", schema, "description");
                JsonNode strict = format.get("strict");
                if (strict != null && !strict.isNull()) {
                    if (!strict.isBoolean()) {
                        throw wrongType("text.format.strict", "a boolean");
                    }
                    schema.set("strict", strict);
                }
                yield out;
            }
            default -> throw RequestException.invalid("invalid_value", "text.format.type",
                    "'text.format.type' must be text, json_object or json_schema, not '" + type + "'");
        };
    }

    private static void copyString(JsonNode from, String field, String param, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            if (!value.isString()) {
                throw wrongType(param, "a string");
            }
            to.put(as, value.stringValue());
        }
    }

    private static String requiredString(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw RequestException.invalid("missing_required_parameter", param, "'" + param + "' is required");
        }
        if (!value.isString()) {
            throw wrongType(param, "a string");
        }
        return value.stringValue();
    }

    private static String optionalString(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw wrongType(field, "a string");
        }
        return value.stringValue();
    }

    private static boolean optionalBoolean(JsonNode node, String field, boolean absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw wrongType(field, "a boolean");
        }
        return value.booleanValue();
    }

    private static RequestException wrongType(String param, String expected) {
        return RequestException.invalid("invalid_type", param, "'" + param + "' must be " + expected);
    }

    private static RequestException unsupported(String param, String message) {
        return RequestException.invalid("unsupported_parameter", param, message);
    }
}
