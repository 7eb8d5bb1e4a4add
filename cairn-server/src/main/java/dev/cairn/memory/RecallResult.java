package dev.cairn.memory;

import java.util.List;

/** Recalled items in rank order, each with its score and token count, and their token total. */
public record RecallResult(List<Recalled> items, int totalTokens) {

    public record Recalled(MemoryItem item, double score) {
    }
}
