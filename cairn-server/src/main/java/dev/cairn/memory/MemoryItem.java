package dev.cairn.memory;

import java.time.Instant;

/**
 * One stored memory: a conversation turn, a fact, a document chunk… {@code metadata} is the
 * caller's JSON object as text; {@code source} names where it came from (for captured turns, the
 * audit request id); {@code embeddingModel} is null while its embedding is pending.
 */
public record MemoryItem(String id, String workspace, String threadId, ItemKind kind, String content,
                         String externalId, String metadata, Instant occurredAt, double salience,
                         String supersedes, Instant retiredAt, String source, int tokens,
                         String embeddingModel, Instant createdAt, Instant updatedAt) {
}
