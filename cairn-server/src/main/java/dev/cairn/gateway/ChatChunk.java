package dev.cairn.gateway;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chunk of a streamed chat completion, in OpenAI's shape, on its way from a provider to the
 * client. An upstream's chunk is parsed once, where it arrives ({@link #parse}); a chunk Cairn
 * builds is a tree from the start ({@link #of}); the stages between read it without parsing, and
 * the client's side serialises it once. A chunk that is not a JSON object is carried as its text,
 * to go on as it was sent.
 *
 * <p>A chunk belongs to the stage that holds it. A stage that changes the tree sends on
 * {@link #changed()}, so the change is serialised; an unchanged upstream chunk goes out as the
 * upstream's own text, byte for byte.
 */
public final class ChatChunk {

    /** Every parse of an upstream chunk, so that a test can hold the stream to one parse per chunk. */
    static final LongAdder PARSES = new LongAdder();

    /** As the upstream sent it; null once Cairn built or changed the chunk. */
    private final String text;
    /** Null when the text is not a JSON object. */
    private final ObjectNode tree;

    private ChatChunk(String text, ObjectNode tree) {
        this.text = text;
        this.tree = tree;
    }

    /** An upstream's chunk (the data of one server-sent event), parsed; kept as text when it is not a JSON object. */
    public static ChatChunk parse(String data) {
        PARSES.increment();
        JsonNode parsed;
        try {
            parsed = JsonBodies.JSON.readTree(data);
        } catch (JacksonException e) {
            parsed = null; // not ours to judge: the client gets it as the upstream sent it
        }
        return new ChatChunk(data, parsed instanceof ObjectNode object ? object : null);
    }

    /** A chunk Cairn built; the tree is the chunk's from now on. */
    public static ChatChunk of(ObjectNode tree) {
        return new ChatChunk(null, Objects.requireNonNull(tree, "tree"));
    }

    /** This chunk's tree, changed by the stage that holds it: serialised again when written. */
    ChatChunk changed() {
        return text == null ? this : new ChatChunk(null, tree);
    }

    /** Whether the chunk is a JSON object; one that is not has only its {@link #text()}. */
    public boolean isObject() {
        return tree != null;
    }

    /** The chunk as the upstream sent it; null for a chunk Cairn built or changed. */
    public String text() {
        return text;
    }

    /** The chunk's tree, null when it is not a JSON object; only the stage holding the chunk may change it. */
    ObjectNode tree() {
        return tree;
    }

    public String id() {
        return string("id");
    }

    public String model() {
        return string("model");
    }

    public String systemFingerprint() {
        return string("system_fingerprint");
    }

    /** The {@code choices} array; null when the chunk has none. */
    public ArrayNode choices() {
        return tree != null && tree.get("choices") instanceof ArrayNode choices ? choices : null;
    }

    /** The {@code usage} object; null when the chunk has none (OpenAI sends {@code "usage":null} on every other chunk). */
    public ObjectNode usage() {
        return tree != null && tree.get("usage") instanceof ObjectNode usage ? usage : null;
    }

    /**
     * Whether the chunk gives the client any of the answer: content, a refusal, a tool call, a finish
     * reason or usage. The role-only chunk most upstreams open with does not, nor does one that is
     * not JSON (nothing the client could read as an answer).
     */
    public boolean carriesAnswer() {
        if (tree == null) {
            return false;
        }
        if (usage() != null) {
            return true;
        }
        ArrayNode choices = choices();
        if (choices == null) {
            return false;
        }
        for (JsonNode choice : choices) {
            JsonNode delta = choice.path("delta");
            if (!choice.path("finish_reason").isNull() && !choice.path("finish_reason").isMissingNode()
                    || !delta.path("content").asString("").isEmpty() || !delta.path("refusal").asString("").isEmpty()
                    || delta.has("tool_calls") || delta.has("function_call") || delta.has("audio")) {
                return true;
            }
        }
        return false;
    }

    private String string(String field) {
        JsonNode value = tree == null ? null : tree.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** The chunk's JSON: the upstream's text while unchanged, else the tree serialised. */
    @Override
    public String toString() {
        return text != null ? text : tree.toString();
    }
}
