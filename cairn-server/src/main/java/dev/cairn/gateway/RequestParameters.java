package dev.cairn.gateway;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which of a request's fields an audit entry may show in the clear: an explicit allow-list per API,
 * each field with the form its value must have to be shown. Everything else (a field not listed, a
 * listed field whose value is not of the expected form, Cairn's future fields and a client's
 * inventions) is sealed under the subject's key, so that nothing a person wrote reaches the
 * permanent log, whose public tiles no erasure can reach. docs/audit-format.md gives the list and
 * the reasoning field by field.
 *
 * <p>The request recorded is the one the pipeline ran: the Responses, Messages and Completions APIs
 * are translated to a chat completion first, so their entries hold chat fields and share chat's list.
 */
final class RequestParameters {

    /**
     * The clear form of one field's value: the value itself, a projection of it that reveals less
     * (the original is then sealed in full beside it), or null when no part of it may be shown.
     */
    private interface Rule extends UnaryOperator<JsonNode> {
    }

    /** Fields that are the content itself: sealed at the top of the personal part, as they always were. */
    static final Set<String> CONTENT_FIELDS = Set.of("messages", "input", "user", "prompt");

    private static final Rule NUMBER = v -> v.isNumber() ? v : null;
    private static final Rule BOOLEAN = v -> v.isBoolean() ? v : null;
    /** A model name: routing needs it, and data.model shows it anyway. */
    private static final Rule NAME = v -> v.isString() && v.stringValue().length() <= 256 ? v : null;

    private static final Map<String, Rule> CHAT = Map.ofEntries(
            Map.entry("model", NAME),
            Map.entry("temperature", NUMBER),
            Map.entry("top_p", NUMBER),
            Map.entry("n", NUMBER),
            Map.entry("stream", BOOLEAN),
            Map.entry("stream_options", RequestParameters::streamOptions),
            Map.entry("max_tokens", NUMBER),
            Map.entry("max_completion_tokens", NUMBER),
            Map.entry("seed", NUMBER),
            Map.entry("presence_penalty", NUMBER),
            Map.entry("frequency_penalty", NUMBER),
            Map.entry("logprobs", BOOLEAN),
            Map.entry("top_logprobs", NUMBER),
            Map.entry("parallel_tool_calls", BOOLEAN),
            Map.entry("store", BOOLEAN),
            Map.entry("service_tier", oneOf("auto", "default", "flex", "scale", "priority")),
            Map.entry("reasoning_effort", oneOf("none", "minimal", "low", "medium", "high", "xhigh")),
            Map.entry("verbosity", oneOf("low", "medium", "high")),
            Map.entry("modalities", RequestParameters::modalities),
            Map.entry("tools", RequestParameters::tools),
            Map.entry("tool_choice", RequestParameters::toolChoice),
            Map.entry("response_format", RequestParameters::responseFormat));

    private static final Map<String, Rule> EMBEDDINGS = Map.of(
            "model", NAME,
            "encoding_format", oneOf("float", "base64"),
            "dimensions", NUMBER);

    /** Completions are translated to chat but keep their own fields: echo is a flag, best_of a count. */
    private static final Map<String, Rule> COMPLETIONS = with(CHAT, Map.of("echo", BOOLEAN, "best_of", NUMBER));

    private static final Map<String, Map<String, Rule>> BY_API = Map.of(
            "chat", CHAT,
            "responses", CHAT,
            "messages", CHAT,
            "completions", COMPLETIONS,
            "embeddings", EMBEDDINGS);

    /** A request split: what the entry's data shows, and what is sealed beside the content fields. */
    record Split(ObjectNode clear, ObjectNode sealed) {
    }

    private RequestParameters() {
    }

    /**
     * Splits a request's fields other than {@link #CONTENT_FIELDS}: each listed field in its clear
     * form; the field's whole value sealed whenever the clear form is not the value itself.
     *
     * @param api the entry's {@code data.api}, else its route's ({@code chat}, {@code embeddings})
     */
    static Split split(String api, ObjectNode request) {
        Map<String, Rule> allowed = BY_API.getOrDefault(api, Map.of());
        ObjectNode clear = JsonNodeFactory.instance.objectNode();
        ObjectNode sealed = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : request.properties()) {
            if (CONTENT_FIELDS.contains(field.getKey())) {
                continue;
            }
            Rule rule = allowed.get(field.getKey());
            JsonNode shown = rule == null || field.getValue() == null ? null : rule.apply(field.getValue());
            if (shown != null) {
                clear.set(field.getKey(), shown);
            }
            if (shown == null || !shown.equals(field.getValue())) {
                sealed.set(field.getKey(), field.getValue());
            }
        }
        return new Split(clear, sealed);
    }

    /** The API whose list applies: the one the client came through, else the route's. */
    static String api(String route, JsonNode callerData) {
        String through = callerData == null ? null : callerData.path("api").asString(null);
        if (through != null) {
            return through;
        }
        return "embeddings".equals(route) ? "embeddings" : "chat";
    }

    private static Rule oneOf(String... values) {
        Set<String> known = Set.of(values);
        return v -> v.isString() && known.contains(v.stringValue()) ? v : null;
    }

    /** Only the known switches, each a boolean. */
    private static JsonNode streamOptions(JsonNode value) {
        if (!value.isObject()) {
            return null;
        }
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        for (String option : new String[] {"include_usage", "include_obfuscation"}) {
            if (value.path(option).isBoolean()) {
                shown.set(option, value.get(option));
            }
        }
        return shown;
    }

    /** {@code ["text"]}, {@code ["text","audio"]}: only when every member is a known modality. */
    private static JsonNode modalities(JsonNode value) {
        if (!value.isArray()) {
            return null;
        }
        for (JsonNode modality : value) {
            if (!modality.isString() || !Set.of("text", "audio").contains(modality.stringValue())) {
                return null;
            }
        }
        return value;
    }

    /**
     * Each tool's type and name: which tools a model was offered is an operational fact; their
     * descriptions and parameter schemas are free text a developer (or a user, in an agent) wrote,
     * sealed.
     */
    private static JsonNode tools(JsonNode value) {
        if (!value.isArray()) {
            return null;
        }
        ArrayNode shown = JsonNodeFactory.instance.arrayNode();
        for (JsonNode tool : value) {
            ObjectNode summary = shown.addObject();
            putString(summary, "type", tool.path("type"));
            JsonNode name = tool.path("function").has("name") ? tool.path("function").path("name") : tool.path("name");
            putString(summary, "name", name);
        }
        return shown;
    }

    /** {@code none}/{@code auto}/{@code required}, or the named tool's type and name. */
    private static JsonNode toolChoice(JsonNode value) {
        if (value.isString()) {
            return Set.of("none", "auto", "required").contains(value.stringValue()) ? value : null;
        }
        if (!value.isObject()) {
            return null;
        }
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        putString(shown, "type", value.path("type"));
        if (value.path("function").isObject()) {
            ObjectNode function = shown.putObject("function");
            putString(function, "name", value.path("function").path("name"));
        } else {
            putString(shown, "name", value.path("name"));
        }
        return shown;
    }

    /** Only its type: a JSON schema's names, descriptions and enums are a developer's free text. */
    private static JsonNode responseFormat(JsonNode value) {
        if (!value.isObject()) {
            return null;
        }
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        JsonNode type = value.path("type");
        if (type.isString() && Set.of("text", "json_object", "json_schema").contains(type.stringValue())) {
            shown.set("type", type);
        }
        return shown;
    }

    /** Identifier-like strings only (a tool's name is at most 64 such characters for every provider). */
    private static void putString(ObjectNode into, String field, JsonNode value) {
        if (value.isString() && value.stringValue().length() <= 64 && value.stringValue().matches("[A-Za-z0-9_.:-]+")) {
            into.set(field, value);
        }
    }

    private static Map<String, Rule> with(Map<String, Rule> base, Map<String, Rule> more) {
        var all = new java.util.HashMap<>(base);
        all.putAll(more);
        return Map.copyOf(all);
    }
}
