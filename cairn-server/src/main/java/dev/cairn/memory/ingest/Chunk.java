package dev.cairn.memory.ingest;

import java.time.Instant;
import java.util.Map;

/** A piece of an ingested text, ready to become one memory item of {@code kind}. */
public record Chunk(String kind, String content, Map<String, Object> metadata, Instant occurredAt, String externalId) {

    public Chunk {
        metadata = Map.copyOf(metadata);
    }
}
