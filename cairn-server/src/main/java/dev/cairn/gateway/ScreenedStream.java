package dev.cairn.gateway;

import java.util.HashMap;
import java.util.Map;

import dev.cairn.guard.GuardException;
import dev.cairn.guard.OutputScreen;
import dev.cairn.guard.StreamScreen;
import dev.cairn.platform.JsonBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed answer on its way through the answer's guard: each choice's content goes through its
 * {@link StreamScreen}, which sends on what is safe and holds back a possible finding still
 * arriving; a choice's held text goes out with its finish reason. Chunks left with nothing to say
 * are not sent. When the guard blocks, the stream stops here with {@link GuardException}, which
 * cancels the upstream call and becomes the stream's last event.
 */
final class ScreenedStream implements ChunkSink {

    private final ChunkSink next;
    private final OutputScreen screen;
    private final String requestId;
    private final Map<Integer, StreamScreen> open = new HashMap<>();
    private ObjectNode lastChunk;

    ScreenedStream(ChunkSink next, OutputScreen screen, String requestId) {
        this.next = next;
        this.screen = screen;
        this.requestId = requestId;
    }

    @Override
    public void send(String chunkJson) {
        JsonNode parsed;
        try {
            parsed = JsonBodies.JSON.readTree(chunkJson);
        } catch (JacksonException e) {
            parsed = null;
        }
        if (!(parsed instanceof ObjectNode chunk) || !chunk.path("choices").isArray()) {
            next.send(chunkJson);
            return;
        }
        lastChunk = chunk;
        boolean saysSomething = chunk.path("choices").isEmpty() || chunk.has("usage") && !chunk.get("usage").isNull();
        for (JsonNode choice : chunk.get("choices")) {
            saysSomething |= screenChoice(choice);
        }
        checkBlocked();
        if (saysSomething) {
            next.send(chunk.toString());
        }
    }

    /** Screens one choice's delta in place; whether it still carries anything for the client. */
    private boolean screenChoice(JsonNode choice) {
        int index = choice.path("index").asInt(0);
        JsonNode delta = choice.get("delta");
        if (!(delta instanceof ObjectNode d)) {
            return true;
        }
        JsonNode content = d.get("content");
        boolean finished = choice.hasNonNull("finish_reason");
        if (content != null && content.isString() || finished) {
            StreamScreen stream = open.computeIfAbsent(index, screen::stream);
            String passed = content != null && content.isString() ? stream.accept(content.stringValue()) : "";
            if (finished) {
                passed += stream.finish();
                open.remove(index);
            }
            if (content != null && content.isString() || !passed.isEmpty()) {
                d.put("content", passed);
            }
            boolean onlyContent = d.size() == 1 && d.has("content");
            return finished || !onlyContent || !passed.isEmpty() || choice.hasNonNull("logprobs");
        }
        return true;
    }

    /** The upstream ended: what choices without a finish reason still hold goes out in a last chunk. */
    void finish() {
        if (open.isEmpty() || lastChunk == null) {
            return;
        }
        ObjectNode chunk = lastChunk.deepCopy();
        chunk.remove("usage");
        var choices = chunk.putArray("choices");
        open.forEach((index, stream) -> {
            String rest = stream.finish();
            if (!rest.isEmpty()) {
                choices.addObject().put("index", index).putObject("delta").put("content", rest);
            }
        });
        open.clear();
        checkBlocked();
        if (!choices.isEmpty()) {
            next.send(chunk.toString());
        }
    }

    private void checkBlocked() {
        if (screen.blocked()) {
            throw GuardException.answerBlocked(screen.blockingCategory(), requestId);
        }
    }
}
