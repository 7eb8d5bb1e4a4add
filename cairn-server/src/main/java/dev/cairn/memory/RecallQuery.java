package dev.cairn.memory;

import dev.cairn.memory.MemoryProperties.Fusion;

/**
 * A recall request: the query, which items may come back, the token budget and result count, and
 * how to rank ({@code mode} picks full text, vectors or both, and {@code fusion} how both merge, for
 * comparison; the weights and MMR
 * come from configuration unless the caller overrides them).
 */
public record RecallQuery(String query, ItemFilter filter, int tokenBudget, int topK, Mode mode, Fusion fusion,
                          double recencyWeight, double salienceWeight, double neighbourWeight, double mmrLambda) {

    public enum Mode { HYBRID, TEXT, VECTOR }
}
