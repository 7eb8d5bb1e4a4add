package dev.cairn.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.memory.ingest.Chunk;
import dev.cairn.memory.ingest.Chunker;
import dev.cairn.memory.ingest.IngestFormat;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import dev.cairn.platform.TokenCounter;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/memory/ingest}: a transcript, text, Markdown document, log or diff, cut into
 * chunks by {@link Chunker} (by turn, heading, paragraph, record, hunk) and stored as items, in
 * transactions of up to {@value MemoryService#MAX_ITEMS_PER_CALL}.
 */
@Component
public class Ingestion {

    static final int MAX_CHUNK_TOKENS = 512;

    private final MemoryService memory;
    private final Chunker chunker;

    public Ingestion(MemoryService memory, TokenCounter tokens) {
        this.memory = memory;
        this.chunker = new Chunker(tokens::count, MAX_CHUNK_TOKENS);
    }

    /** Cuts and stores the body's content; the items are about the data subject {@code subjectId} (null: none). */
    List<MemoryItem> ingest(String workspace, String subjectId, Fields body) {
        IngestFormat format = format(body.requiredText("format"));
        String threadId = body.text("thread_id");
        String source = body.text("source");
        String extraMetadata = body.metadata("metadata");
        Instant occurredAt = body.instant("occurred_at");
        List<Chunk> chunks;
        try {
            JsonNode content = body.node("content");
            if (content == null) {
                throw RequestException.invalid("missing_field", "content", "'content' is required");
            }
            if (format == IngestFormat.TRANSCRIPT && !content.isString()) {
                chunks = chunker.chunkTranscript(content);
            } else if (content.isString()) {
                chunks = chunker.chunk(format, content.stringValue(), source);
            } else {
                throw RequestException.invalid("invalid_type", "content",
                        "'content' must be a string" + (format == IngestFormat.TRANSCRIPT ? " or a JSON array of turns" : ""));
            }
        } catch (IllegalArgumentException e) {
            throw RequestException.invalid("invalid_content", "content", e.getMessage());
        }
        if (chunks.isEmpty()) {
            throw RequestException.invalid("empty_content", "content", "The content holds no text to store");
        }
        List<NewItem> items = new ArrayList<>(chunks.size());
        for (Chunk chunk : chunks) {
            ObjectNode metadata = JsonBodies.JSON.valueToTree(chunk.metadata());
            if (source != null) {
                metadata.put("source", source);
            }
            if (extraMetadata != null) {
                metadata.setAll((ObjectNode) JsonBodies.JSON.readTree(extraMetadata));
            }
            // A turn split in parts carries its id on each; external ids are unique in a workspace.
            String externalId = chunk.externalId() != null && chunk.metadata().containsKey("part")
                    ? chunk.externalId() + "#" + chunk.metadata().get("part") : chunk.externalId();
            items.add(new NewItem(threadId, ItemKind.parse(chunk.kind(), "kind"), chunk.content(), externalId,
                    chunk.occurredAt() != null ? chunk.occurredAt() : occurredAt, metadata.toString(), null, null,
                    source != null ? "ingest:" + source : "ingest"));
        }
        List<MemoryItem> stored = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += MemoryService.MAX_ITEMS_PER_CALL) {
            stored.addAll(memory.addItems(workspace, subjectId, items.subList(from, Math.min(items.size(), from + MemoryService.MAX_ITEMS_PER_CALL))));
        }
        return stored;
    }

    private static IngestFormat format(String name) {
        try {
            return IngestFormat.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw RequestException.invalid("invalid_format", "format", e.getMessage());
        }
    }

}
