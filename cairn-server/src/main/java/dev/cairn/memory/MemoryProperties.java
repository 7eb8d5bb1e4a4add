package dev.cairn.memory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.Settings;
import dev.cairn.platform.embedding.LocalEmbedder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Context memory ({@code cairn.memory}): items are embedded in the background by {@code embedding}
 * and found again by hybrid recall; chat completions that name a thread store their turns and, with
 * recall on, get the best memories injected within {@code recall.token-budget}.
 */
@ConfigurationProperties("cairn.memory")
public record MemoryProperties(@DefaultValue("true") boolean enabled,
                               @DefaultValue Embedding embedding,
                               @DefaultValue Recall recall,
                               @DefaultValue Extraction extraction,
                               @DefaultValue("8192") int defaultContextWindow,
                               Map<String, Integer> contextWindows) {

    public MemoryProperties {
        contextWindows = contextWindows == null ? Map.of() : Map.copyOf(contextWindows);
        check(embedding);
        check(recall);
        Settings.atLeast("cairn.memory.default-context-window", defaultContextWindow, 1);
        contextWindows.forEach((model, window) ->
                Settings.atLeast("cairn.memory.context-windows." + model, window == null ? 0 : window, 1));
    }

    /**
     * The embedding model: {@code local} runs all-MiniLM-L6-v2 in process (bundled, offline);
     * {@code remote} calls an OpenAI-compatible {@code /embeddings} endpoint at {@code base-url}.
     * {@code threads} is how many cores one local embedding call may use; {@code local-model} picks
     * the full model or its int8-quantised build (the default: about half the CPU per text).
     */
    public record Embedding(@DefaultValue("local") String provider,
                            @DefaultValue("all-minilm-l6-v2-q") String localModel,
                            String model,
                            String baseUrl,
                            String apiKey,
                            @DefaultValue("32") int batchSize,
                            @DefaultValue("16MB") DataSize queryCacheBytes,
                            @DefaultValue("1") int threads) {
    }

    /**
     * How recall ranks: full-text and vector candidates fused ({@code fusion}: their scores
     * normalised and weighted, or reciprocal rank), plus neighbour, recency and salience
     * boosts, optionally diversified by MMR ({@code mmr-lambda} below 1).
     */
    public record Recall(@DefaultValue("1024") int tokenBudget,
                         @DefaultValue("20") int topK,
                         @DefaultValue("100") int candidates,
                         @DefaultValue("score") Fusion fusion,
                         @DefaultValue("0.6") double textWeight,
                         @DefaultValue("2") int rrfK,
                         @DefaultValue("0.0") double recencyWeight,
                         @DefaultValue("30d") Duration recencyHalfLife,
                         @DefaultValue("0.0") double salienceWeight,
                         @DefaultValue("0.3") double neighbourWeight,
                         @DefaultValue("1.0") double mmrLambda,
                         @DefaultValue("8") int recentTurns,
                         @DefaultValue("32MB") DataSize windowCacheBytes,
                         @DefaultValue("128MB") DataSize vectorIndexBytes) {
    }

    /** How recall merges its full-text and vector lists. */
    public enum Fusion { SCORE, RRF }

    /** Fact extraction from new turns by {@code model} (a routed model name); off when empty. */
    public record Extraction(String model) {
    }

    private static void check(Embedding embedding) {
        switch (embedding.provider() == null ? "" : embedding.provider()) {
            case "local" -> {
                if (!List.of(LocalEmbedder.MODEL, LocalEmbedder.QUANTIZED).contains(embedding.localModel())) {
                    throw Settings.invalid("cairn.memory.embedding.local-model", "must be " + LocalEmbedder.QUANTIZED + " or "
                            + LocalEmbedder.MODEL + ", not '" + embedding.localModel() + "'");
                }
            }
            case "remote" -> {
                if (embedding.baseUrl() == null || embedding.baseUrl().isBlank()) {
                    throw Settings.invalid("cairn.memory.embedding.base-url", "is required with provider remote");
                }
                if (embedding.model() == null || embedding.model().isBlank()) {
                    throw Settings.invalid("cairn.memory.embedding.model", "is required with provider remote");
                }
            }
            default -> throw Settings.invalid("cairn.memory.embedding.provider",
                    "must be local or remote, not '" + embedding.provider() + "'");
        }
        Settings.atLeast("cairn.memory.embedding.batch-size", embedding.batchSize(), 1);
        Settings.atLeast("cairn.memory.embedding.query-cache-bytes", embedding.queryCacheBytes().toBytes(), 0);
        Settings.atLeast("cairn.memory.embedding.threads", embedding.threads(), 1);
    }

    private static void check(Recall recall) {
        Settings.atLeast("cairn.memory.recall.token-budget", recall.tokenBudget(), 1);
        Settings.atLeast("cairn.memory.recall.top-k", recall.topK(), 1);
        Settings.atLeast("cairn.memory.recall.candidates", recall.candidates(), 1);
        Settings.between("cairn.memory.recall.text-weight", recall.textWeight(), 0, 1);
        Settings.atLeast("cairn.memory.recall.rrf-k", recall.rrfK(), 0);
        Settings.notNegative("cairn.memory.recall.recency-weight", recall.recencyWeight());
        Settings.positive("cairn.memory.recall.recency-half-life", recall.recencyHalfLife());
        Settings.notNegative("cairn.memory.recall.salience-weight", recall.salienceWeight());
        Settings.between("cairn.memory.recall.neighbour-weight", recall.neighbourWeight(), 0, 1);
        Settings.between("cairn.memory.recall.mmr-lambda", recall.mmrLambda(), 0, 1);
        Settings.atLeast("cairn.memory.recall.recent-turns", recall.recentTurns(), 0);
        Settings.atLeast("cairn.memory.recall.window-cache-bytes", recall.windowCacheBytes().toBytes(), 0);
        Settings.atLeast("cairn.memory.recall.vector-index-bytes", recall.vectorIndexBytes().toBytes(), 0);
    }
}
