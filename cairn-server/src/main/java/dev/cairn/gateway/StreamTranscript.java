package dev.cairn.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Listens to a stream of chat completion chunks on their way to the client and puts the answer
 * back together: each choice's role, content, refusal, tool calls and finish reason, so that the
 * audit entry of a streamed answer holds the same as one that was not streamed.
 */
final class StreamTranscript implements ChunkSink {

    private final ChunkSink next;
    private final TreeMap<Integer, Choice> choices = new TreeMap<>();
    private String id;
    private String model;
    private String systemFingerprint;

    private static final class Choice {
        String role;
        final StringBuilder content = new StringBuilder();
        final StringBuilder refusal = new StringBuilder();
        final TreeMap<Integer, ObjectNode> toolCalls = new TreeMap<>();
        String finishReason;
    }

    StreamTranscript(ChunkSink next) {
        this.next = next;
    }

    @Override
    public void send(ChatChunk chunk) {
        read(chunk);
        next.send(chunk);
    }

    private void read(ChatChunk chunk) {
        if (!chunk.isObject()) {
            return; // not ours to judge: the client gets it as the upstream sent it
        }
        id = orElse(chunk.id(), id);
        model = orElse(chunk.model(), model);
        systemFingerprint = orElse(chunk.systemFingerprint(), systemFingerprint);
        ArrayNode deltas = chunk.choices();
        if (deltas == null) {
            return;
        }
        for (JsonNode delta : deltas) {
            Choice choice = choices.computeIfAbsent(delta.path("index").asInt(0), i -> new Choice());
            JsonNode d = delta.path("delta");
            choice.role = text(d, "role", choice.role);
            appendText(d, "content", choice.content);
            appendText(d, "refusal", choice.refusal);
            for (JsonNode call : d.path("tool_calls")) {
                ObjectNode merged = choice.toolCalls.computeIfAbsent(call.path("index").asInt(0),
                        i -> JsonNodeFactory.instance.objectNode());
                mergeToolCall(merged, call);
            }
            choice.finishReason = text(delta, "finish_reason", choice.finishReason);
        }
    }

    /** The answer's choices in the shape of a non-streamed {@code choices} array. */
    ArrayNode choices() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        choices.forEach((index, choice) -> {
            ObjectNode item = out.addObject();
            item.put("index", index);
            ObjectNode message = item.putObject("message");
            message.put("role", choice.role == null ? "assistant" : choice.role);
            message.put("content", choice.content.isEmpty() && !choice.toolCalls.isEmpty() ? null : choice.content.toString());
            if (!choice.refusal.isEmpty()) {
                message.put("refusal", choice.refusal.toString());
            }
            if (!choice.toolCalls.isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                choice.toolCalls.values().forEach(calls::add);
            }
            item.put("finish_reason", choice.finishReason);
        });
        return out;
    }

    String id() {
        return id;
    }

    String model() {
        return model;
    }

    String systemFingerprint() {
        return systemFingerprint;
    }

    List<String> finishReasons() {
        List<String> reasons = new ArrayList<>();
        choices.values().forEach(c -> reasons.add(c.finishReason));
        return reasons;
    }

    private static void mergeToolCall(ObjectNode merged, JsonNode call) {
        if (call.has("id")) {
            merged.put("id", call.get("id").asString());
        }
        if (call.has("type")) {
            merged.put("type", call.get("type").asString());
        }
        JsonNode function = call.get("function");
        if (function != null && function.isObject()) {
            ObjectNode target = merged.withObject("function");
            if (function.hasNonNull("name")) {
                target.put("name", target.path("name").asString("") + function.get("name").asString());
            }
            if (function.hasNonNull("arguments")) {
                target.put("arguments", target.path("arguments").asString("") + function.get("arguments").asString());
            }
        }
    }

    private static String orElse(String value, String current) {
        return value != null ? value : current;
    }

    private static String text(JsonNode node, String field, String current) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.asString() : current;
    }

    private static void appendText(JsonNode node, String field, StringBuilder into) {
        JsonNode value = node.get(field);
        if (value != null && value.isString()) {
            into.append(value.asString());
        }
    }
}
