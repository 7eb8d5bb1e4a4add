package dev.cairn.memory.ingest;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One piece of ingested content, ready to become a memory item: a conversation turn ({@link #MESSAGE})
 * or a chunk of a document ({@link #DOCUMENT}).
 *
 * @param kind        {@link #MESSAGE} or {@link #DOCUMENT}
 * @param content     the text to store and embed
 * @param metadata    where the chunk came from (turn, heading path, lines, file and hunk, source);
 *                    keys in the order they were added
 * @param occurredAt  when it was said or logged, or null when the input does not say
 * @param externalId  the caller's own id for the turn, or null; every part of a split turn carries it
 */
public record Chunk(String kind, String content, Map<String, Object> metadata, Instant occurredAt, String externalId) {

    public static final String MESSAGE = "message";
    public static final String DOCUMENT = "document";

    public Chunk {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(metadata, "metadata");
        if (!kind.equals(MESSAGE) && !kind.equals(DOCUMENT)) {
            throw new IllegalArgumentException("kind must be \"message\" or \"document\", not \"" + kind + "\"");
        }
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
