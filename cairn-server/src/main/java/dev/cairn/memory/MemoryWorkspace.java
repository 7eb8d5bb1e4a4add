package dev.cairn.memory;

import java.time.Instant;

/**
 * A workspace's memory settings: whether chat completions that name a thread get recall without
 * asking ({@code recallDefault}), and its own recall token budget (null: the configured one).
 */
public record MemoryWorkspace(String id, String metadata, boolean recallDefault, Integer recallTokenBudget,
                              Instant createdAt, Instant updatedAt) {
}
