package dev.cairn.memory;

import java.time.Instant;

/** An item as a caller hands it in, before it has an id; null fields take their defaults. */
public record NewItem(String threadId, ItemKind kind, String content, String externalId, Instant occurredAt,
                      String metadata, Double salience, String supersedes, String source) {
}
