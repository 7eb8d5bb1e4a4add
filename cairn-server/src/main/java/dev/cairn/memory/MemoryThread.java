package dev.cairn.memory;

import java.time.Instant;

/** A conversation (or any sequence of items) within a workspace. */
public record MemoryThread(String id, String workspace, String name, String metadata, Instant createdAt,
                           Instant updatedAt) {
}
