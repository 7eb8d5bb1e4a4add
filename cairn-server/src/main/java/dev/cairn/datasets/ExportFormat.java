package dev.cairn.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shapes a dataset version is exported in, each one JSON line per example. {@code jsonl} is the
 * rows' own bytes, the ones the manifest's Merkle root is over; the others are derived from them.
 */
enum ExportFormat {

    /** Every row with its feedback, byte for byte as frozen. */
    JSONL("jsonl"),
    /** OpenAI chat fine-tuning: {@code {"messages":[…]}}, tools kept, the answer's {@code weight} from feedback. */
    OPENAI_SFT("openai-sft"),
    /** OpenAI preference fine-tuning: {@code input}, {@code preferred_output}, {@code non_preferred_output}. */
    OPENAI_DPO("openai-dpo"),
    /** TRL's conversational preference format: {@code prompt}, {@code chosen}, {@code rejected}. */
    TRL_PREFERENCE("trl-preference");

    private final String wire;

    ExportFormat(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    static ExportFormat of(String name) {
        for (ExportFormat format : values()) {
            if (format.wire.equals(name == null ? "jsonl" : name.toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw DatasetException.invalid("invalid_value", "format", "Unknown export format '" + name + "'; one of "
                + String.join(", ", Arrays.stream(values()).map(ExportFormat::wire).toList()));
    }

    /** The lines one row gives in this format: none when it holds no example of this kind. */
    List<ObjectNode> lines(JsonNode row) {
        return switch (this) {
            case JSONL -> throw new IllegalStateException("jsonl rows are copied, not converted");
            case OPENAI_SFT -> sft(row);
            case OPENAI_DPO, TRL_PREFERENCE -> preferences(row);
        };
    }

    private static List<ObjectNode> sft(JsonNode row) {
        JsonNode feedback = row.path("feedback");
        JsonNode demonstration = last(feedback, "demonstration", null);
        ObjectNode answer;
        if (demonstration != null) {
            answer = assistant(demonstration.path("demonstration"));
            answer.put("weight", 1);
        } else {
            // The preferred choice when a preference names one, else the first.
            JsonNode preference = last(feedback, "preference", "chosen_choice");
            int choice = preference == null ? 0 : preference.path("chosen_choice").asInt();
            JsonNode message = row.path("choices").path(choice).path("message");
            if (!message.isObject()) {
                return List.of();
            }
            answer = assistant(message);
            JsonNode verdict = lastBoolean(feedback);
            if (verdict != null) {
                answer.put("weight", verdict.asBoolean() ? 1 : 0);
            }
        }
        ObjectNode line = JsonBodies.JSON.createObjectNode();
        ArrayNode messages = line.putArray("messages");
        row.path("messages").forEach(messages::add);
        messages.add(answer);
        tools(row, line);
        return List.of(line);
    }

    /** One example per preference whose chosen side is this row, with both answers known. */
    private List<ObjectNode> preferences(JsonNode row) {
        List<ObjectNode> lines = new ArrayList<>();
        String requestId = row.path("request_id").asString();
        for (JsonNode item : row.path("feedback")) {
            if (!"preference".equals(item.path("kind").asString())) {
                continue;
            }
            JsonNode chosen;
            JsonNode rejected;
            if (item.has("chosen_choice")) {
                chosen = row.path("choices").path(item.path("chosen_choice").asInt()).path("message");
                rejected = row.path("choices").path(item.path("rejected_choice").asInt()).path("message");
            } else if (requestId.equals(item.path("chosen_request_id").asString(null))) {
                chosen = row.path("choices").path(0).path("message");
                rejected = item.path("rejected_output");
            } else {
                continue; // the rejected side: the example is emitted from the chosen request's row
            }
            if (!chosen.isObject() || !rejected.isObject()) {
                continue;
            }
            ObjectNode line = JsonBodies.JSON.createObjectNode();
            if (this == OPENAI_DPO) {
                ObjectNode input = line.putObject("input");
                input.set("messages", row.path("messages"));
                tools(row, input);
                line.putArray("preferred_output").add(assistant(chosen));
                line.putArray("non_preferred_output").add(assistant(rejected));
            } else {
                line.set("prompt", row.path("messages"));
                line.putArray("chosen").add(assistant(chosen));
                line.putArray("rejected").add(assistant(rejected));
            }
            lines.add(line);
        }
        return lines;
    }

    /** An assistant message as the fine-tuning formats take it: role, content, tool calls; no nulls. */
    private static ObjectNode assistant(JsonNode message) {
        ObjectNode out = JsonBodies.JSON.createObjectNode();
        out.put("role", "assistant");
        if (message.isString()) {
            out.put("content", message.asString());
            return out;
        }
        JsonNode content = message.path("content");
        if (!content.isMissingNode() && !content.isNull()) {
            out.set("content", content);
        }
        JsonNode toolCalls = message.path("tool_calls");
        if (toolCalls.isArray() && !toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls);
        }
        if (!out.has("content") && !out.has("tool_calls")) {
            out.put("content", "");
        }
        return out;
    }

    private static void tools(JsonNode row, ObjectNode into) {
        if (row.path("tools").isArray()) {
            into.set("tools", row.path("tools"));
        }
        if (row.path("parallel_tool_calls").isBoolean()) {
            into.set("parallel_tool_calls", row.path("parallel_tool_calls"));
        }
    }

    private static JsonNode last(JsonNode feedback, String kind, String field) {
        JsonNode found = null;
        for (JsonNode item : feedback) {
            if (kind.equals(item.path("kind").asString()) && (field == null || item.has(field))
                    && (!"demonstration".equals(kind) || item.has("demonstration"))) {
                found = item;
            }
        }
        return found;
    }

    /** The latest interaction-level boolean metric: whether the answer is one to learn from. */
    private static JsonNode lastBoolean(JsonNode feedback) {
        JsonNode found = null;
        for (JsonNode item : feedback) {
            if ("metric".equals(item.path("kind").asString()) && item.path("value").isBoolean()
                    && "interaction".equals(item.path("level").asString("interaction"))) {
                found = item.path("value");
            }
        }
        return found;
    }
}
