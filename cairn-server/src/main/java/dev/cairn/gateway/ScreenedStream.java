package dev.cairn.gateway;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.guard.GuardException;
import dev.cairn.guard.OutputScreen;
import dev.cairn.guard.OutputScreen.Part;
import dev.cairn.guard.StreamScreen;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed answer on its way through the answer's guard. Each text of each choice (content,
 * refusal, every tool call's arguments) goes through its own {@link StreamScreen}, which sends on
 * what is safe and holds back a possible finding still arriving; what a choice holds goes out with
 * its finish reason. Token log-probabilities travel with the text they belong to, and are dropped
 * where the guard changed that text, since their tokens would tell what was redacted. Chunks left
 * with nothing to say are not sent. When the guard blocks, the stream stops here with
 * {@link GuardException}, which cancels the upstream call and becomes the stream's last event.
 */
final class ScreenedStream implements ChunkSink {

    private final ChunkSink next;
    private final OutputScreen screen;
    private final String requestId;
    private final Map<Part, StreamScreen> open = new LinkedHashMap<>();
    /** Per choice: content log-probabilities whose tokens are still held, and how many chars they cover. */
    private final Map<Integer, Deque<JsonNode>> heldLogprobs = new HashMap<>();
    private final Map<Integer, Integer> logprobChars = new HashMap<>();
    private ObjectNode lastChunk;

    ScreenedStream(ChunkSink next, OutputScreen screen, String requestId) {
        this.next = next;
        this.screen = screen;
        this.requestId = requestId;
    }

    @Override
    public void send(ChatChunk chunk) {
        ArrayNode choices = chunk.choices();
        if (choices == null) {
            next.send(chunk);
            return;
        }
        lastChunk = chunk.tree();
        boolean saysSomething = choices.isEmpty() || lastChunk.hasNonNull("usage");
        for (JsonNode choice : choices) {
            saysSomething |= screenChoice((ObjectNode) choice);
        }
        checkBlocked();
        if (saysSomething) {
            next.send(chunk.changed());
        }
    }

    /** Screens one choice's delta in place; whether it still carries anything for the client. */
    private boolean screenChoice(ObjectNode choice) {
        int index = choice.path("index").asInt(0);
        boolean finished = choice.hasNonNull("finish_reason");
        if (!(choice.get("delta") instanceof ObjectNode delta)) {
            return true;
        }
        boolean says = finished;
        says |= screenText(delta, "content", Part.content(index), finished);
        says |= screenText(delta, "refusal", Part.refusal(index), finished);
        says |= screenToolCalls(delta, index, finished);
        says |= delta.has("role");
        says |= moveLogprobs(choice, index, finished);
        if (finished) {
            open.keySet().removeIf(part -> part.choice() == index);
        }
        return says;
    }

    /** One text field of a delta through its part's screen; whether it has text to send. */
    private boolean screenText(ObjectNode delta, String field, Part part, boolean finished) {
        JsonNode value = delta.get(field);
        boolean text = value != null && value.isString();
        if (!text && !(finished && open.containsKey(part))) {
            return false;
        }
        String passed = pass(part, text ? value.stringValue() : "", finished);
        if (text || !passed.isEmpty()) {
            delta.put(field, passed);
        }
        return !passed.isEmpty();
    }

    private boolean screenToolCalls(ObjectNode delta, int choice, boolean finished) {
        boolean says = false;
        ArrayNode calls = delta.get("tool_calls") instanceof ArrayNode array ? array : null;
        if (calls != null) {
            for (JsonNode call : calls) {
                says = true; // ids, names and types go on as they come: only arguments are free text
                if (call.get("function") instanceof ObjectNode function && function.path("arguments").isString()) {
                    Part part = Part.toolArguments(choice, call.path("index").asInt(0));
                    function.put("arguments", pass(part, function.get("arguments").stringValue(), false));
                }
            }
        }
        if (finished) {
            // What the choice's tool calls still hold goes out with its finish reason.
            for (Part part : List.copyOf(open.keySet())) {
                if (part.choice() == choice && part.isToolArguments()) {
                    String rest = pass(part, "", true);
                    if (!rest.isEmpty()) {
                        if (calls == null) {
                            calls = delta.putArray("tool_calls");
                        }
                        calls.addObject().put("index", part.call()).putObject("function").put("arguments", rest);
                        says = true;
                    }
                }
            }
        }
        return says;
    }

    /** A piece of a part through its screen; a finished part gives all it held (its screen stays open until the chunk is done). */
    private String pass(Part part, String piece, boolean finished) {
        StreamScreen stream = open.computeIfAbsent(part, screen::stream);
        String passed = stream.accept(piece);
        return finished ? passed + stream.finish() : passed;
    }

    /**
     * Holds the choice's content log-probabilities until their text is let through, then sends
     * them with it, or drops them when the guard changed that text; whether any go in this chunk.
     */
    private boolean moveLogprobs(ObjectNode choice, int index, boolean finished) {
        JsonNode logprobs = choice.get("logprobs");
        Deque<JsonNode> held = heldLogprobs.computeIfAbsent(index, i -> new ArrayDeque<>());
        if (logprobs instanceof ObjectNode object && object.get("content") instanceof ArrayNode entries) {
            entries.forEach(held::add);
        } else if (held.isEmpty()) {
            return false;
        }
        StreamScreen content = open.get(Part.content(index));
        int released = content == null ? Integer.MAX_VALUE : content.released();
        boolean altered = content != null && content.takeAltered();
        ArrayNode going = JsonBodies.JSON.createArrayNode();
        int chars = logprobChars.getOrDefault(index, 0);
        while (!held.isEmpty() && (finished || chars + held.peek().path("token").asString("").length() <= released)) {
            JsonNode entry = held.poll();
            chars += entry.path("token").asString("").length();
            if (!altered) {
                going.add(entry);
            }
        }
        logprobChars.put(index, chars);
        ObjectNode out = choice.putObject("logprobs");
        out.set("content", going);
        out.putNull("refusal");
        return !going.isEmpty();
    }

    /** The upstream ended: what choices without a finish reason still hold goes out in a last chunk. */
    void finish() {
        if (open.isEmpty() || lastChunk == null) {
            return;
        }
        ObjectNode chunk = lastChunk.deepCopy();
        chunk.remove("usage");
        ArrayNode choices = chunk.putArray("choices");
        Map<Integer, ObjectNode> deltas = new LinkedHashMap<>();
        for (Part part : List.copyOf(open.keySet())) {
            String rest = pass(part, "", true);
            if (rest.isEmpty()) {
                continue;
            }
            ObjectNode delta = deltas.computeIfAbsent(part.choice(), i -> {
                ObjectNode choice = choices.addObject().put("index", i);
                choice.putNull("finish_reason");
                return choice.putObject("delta");
            });
            if (part.isToolArguments()) {
                delta.withArray("tool_calls").addObject().put("index", part.call()).putObject("function").put("arguments", rest);
            } else {
                delta.put(part.field(), rest);
            }
        }
        open.clear();
        checkBlocked();
        if (!choices.isEmpty()) {
            next.send(ChatChunk.of(chunk));
        }
    }

    private void checkBlocked() {
        if (screen.blocked()) {
            throw GuardException.answerBlocked(screen.blockingCategory(), requestId);
        }
    }
}
