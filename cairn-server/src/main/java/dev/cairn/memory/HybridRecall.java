package dev.cairn.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds the items that best answer a query. Full text (BM25 / ts_rank) and vector similarity each
 * rank up to {@code candidates} items; the two lists are fused, by default as a weighted sum of
 * their min-max normalised scores ({@code text-weight} for full text, the rest for vectors), or
 * by reciprocal rank. The best turns lend part of their score to the turns around them; the
 * fused score then gains the recency and salience boosts; MMR, when asked for, trades some
 * relevance for diversity; and the best items are packed into the token budget.
 */
@Component
public class HybridRecall {

    private static final Logger log = LoggerFactory.getLogger(HybridRecall.class);

    private final MemoryRepository repository;
    private final VectorIndex vectors;
    private final Embeddings embeddings;
    private final MemoryProperties.Recall config;
    private static final int SPREAD_FROM = 10;
    /** A recall (a chat completion's, say) waits this long for a remote embedder before going on with full text. */
    private static final Duration EMBEDDING_TIMEOUT = Duration.ofSeconds(5);
    private static final Executor EMBEDDING_THREADS = Executors.newVirtualThreadPerTaskExecutor();

    public HybridRecall(MemoryRepository repository, VectorIndex vectors, Embeddings embeddings, MemoryProperties memory) {
        this.repository = repository;
        this.vectors = vectors;
        this.embeddings = embeddings;
        this.config = memory.recall();
    }

    public RecallResult recall(String workspace, RecallQuery query) {
        int candidates = Math.max(config.candidates(), query.topK() * 3);
        double textWeight = switch (query.mode()) {
            case HYBRID -> config.textWeight();
            case TEXT -> 1;
            case VECTOR -> 0;
        };
        Map<String, Double> fused = new HashMap<>();
        // The query's embedding (a few ms of model time) is made while the database searches text.
        CompletableFuture<float[]> queryVector = query.mode() == RecallQuery.Mode.TEXT ? null
                : CompletableFuture.supplyAsync(() -> embeddings.query(query.query()), EMBEDDING_THREADS)
                        .orTimeout(EMBEDDING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (query.mode() != RecallQuery.Mode.VECTOR) {
            List<MemoryRepository.TextHit> text = repository.fullText(workspace, QueryTerms.of(query.query()), query.filter(), candidates);
            fuse(fused, text.stream().map(h -> Map.entry(h.id(), h.score())).toList(), textWeight, query.fusion());
        }
        float[] vector = queryVector == null ? null : vectorOrNull(queryVector, query.mode());
        if (vector != null) {
            List<VectorIndex.Hit> similar = vectors.search(workspace, vector, query.filter(), candidates);
            fuse(fused, similar.stream().map(h -> Map.entry(h.id(), (double) h.similarity())).toList(), 1 - textWeight,
                    query.fusion());
        }
        if (fused.isEmpty()) {
            return new RecallResult(List.of(), 0);
        }
        Map<String, MemoryItem> items = repository.items(workspace, worthFetching(fused, query));
        if (query.neighbourWeight() > 0) {
            spreadToNeighbours(workspace, query, fused, items);
        }
        long now = Instant.now().toEpochMilli();
        double halfLife = Math.max(1, config.recencyHalfLife().toMillis());
        List<RecallResult.Recalled> ranked = new ArrayList<>(items.size());
        for (MemoryItem item : items.values()) {
            // The vector index of another process, or one loaded before a change, may be behind.
            if (!query.filter().accepts(item.threadId(), item.kind(), item.occurredAt().toEpochMilli(), item.retiredAt() != null)) {
                continue;
            }
            double age = Math.max(0, now - item.occurredAt().toEpochMilli());
            double score = fused.get(item.id())
                    + query.recencyWeight() * Math.pow(0.5, age / halfLife)
                    + query.salienceWeight() * item.salience();
            ranked.add(new RecallResult.Recalled(item, score));
        }
        ranked.sort(Comparator.comparingDouble(RecallResult.Recalled::score).reversed()
                .thenComparing(r -> r.item().id()));
        if (query.mmrLambda() < 1) {
            ranked = diversify(workspace, ranked, query.mmrLambda(), query.topK());
        }
        return pack(ranked, query.tokenBudget(), query.topK());
    }

    /**
     * Adds one ranked list (best first, with its own scores) to the fused scores, each entry
     * scaled to [0, 1] within its list and weighted: by its score, min-max normalised
     * ({@code fusion: score}, the default), or by its rank, (k + 1)/(k + rank + 1)
     * ({@code fusion: rrf}). A list's best entry thus brings its whole weight either way.
     */
    private void fuse(Map<String, Double> fused, List<Map.Entry<String, Double>> ranked, double weight,
                      MemoryProperties.Fusion fusion) {
        if (ranked.isEmpty() || weight <= 0) {
            return;
        }
        double max = ranked.getFirst().getValue();
        double min = ranked.getLast().getValue();
        int k = config.rrfK();
        for (int rank = 0; rank < ranked.size(); rank++) {
            double scaled = fusion == MemoryProperties.Fusion.RRF ? (k + 1.0) / (k + rank + 1)
                    : max > min ? (ranked.get(rank).getValue() - min) / (max - min) : 1;
            fused.merge(ranked.get(rank).getKey(), weight * scaled, Double::sum);
        }
    }

    /**
     * The query's vector; when the embedding model fails (a remote endpoint down), hybrid recall
     * goes on with full text alone rather than fail, and says so in the log. Vector-only recall
     * has nothing to go on and fails.
     */
    private static float[] vectorOrNull(CompletableFuture<float[]> queryVector, RecallQuery.Mode mode) {
        try {
            return queryVector.join();
        } catch (CompletionException e) {
            if (mode == RecallQuery.Mode.VECTOR) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            log.warn("Embedding the recall query failed; recalling by full text only: {}", e.getCause().toString());
            return null;
        }
    }

    /**
     * The candidates whose rows are needed: all of them when recency or salience can reorder the
     * list, else only those fused ranking could still place in the result (three times
     * {@code top_k}, which leaves room for items that do not fit the budget and for MMR).
     */
    private static Collection<String> worthFetching(Map<String, Double> fused, RecallQuery query) {
        if (query.recencyWeight() > 0 || query.salienceWeight() > 0) {
            return fused.keySet();
        }
        return fused.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(Math.max(query.topK() * 3L, SPREAD_FROM)).map(Map.Entry::getKey).toList();
    }

    /**
     * A conversation turn is often understood only with the turns around it (the question before
     * an answer, the answer after a question), so each of the best {@value #SPREAD_FROM} turns
     * passes {@code neighbourWeight} of its fused score to the turn just before and just after it
     * in its thread. On LoCoMo this lifts recall@10 by about four points.
     */
    private void spreadToNeighbours(String workspace, RecallQuery query, Map<String, Double> fused, Map<String, MemoryItem> items) {
        List<MemoryItem> best = fused.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> items.get(e.getKey()))
                .filter(i -> i != null && i.kind() == ItemKind.MESSAGE && i.threadId() != null)
                .limit(SPREAD_FROM).toList();
        Map<String, Double> spread = new HashMap<>();
        for (Map.Entry<String, MemoryItem> pair : repository.neighbours(workspace, best)) {
            MemoryItem neighbour = pair.getValue();
            if (query.filter().accepts(neighbour.threadId(), neighbour.kind(), neighbour.occurredAt().toEpochMilli(),
                    neighbour.retiredAt() != null)) {
                spread.merge(neighbour.id(), query.neighbourWeight() * fused.get(pair.getKey()), Double::sum);
                items.putIfAbsent(neighbour.id(), neighbour);
            }
        }
        spread.forEach((id, score) -> fused.merge(id, score, Double::sum));
    }

    /**
     * Maximal marginal relevance: picks, {@code topK} times, the candidate with the best
     * λ·relevance − (1−λ)·(highest similarity to an item already picked), keeping each candidate's
     * highest similarity up to date against the last pick only (pool × topK dot products). Items
     * without a vector yet count as unlike everything. The rest follow in their fused order.
     */
    private List<RecallResult.Recalled> diversify(String workspace, List<RecallResult.Recalled> ranked, double lambda, int topK) {
        List<RecallResult.Recalled> pool = new ArrayList<>(ranked.subList(0, Math.min(ranked.size(), topK * 3)));
        float[][] poolVectors = new float[pool.size()][];
        double[] redundancy = new double[pool.size()];
        for (int i = 0; i < pool.size(); i++) {
            poolVectors[i] = vectors.vector(workspace, pool.get(i).item().id());
        }
        boolean[] taken = new boolean[pool.size()];
        List<RecallResult.Recalled> picked = new ArrayList<>(ranked.size());
        for (int round = 0; round < Math.min(topK, pool.size()); round++) {
            int next = -1;
            double nextScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < pool.size(); i++) {
                double mmr = lambda * pool.get(i).score() - (1 - lambda) * redundancy[i];
                if (!taken[i] && mmr > nextScore) {
                    next = i;
                    nextScore = mmr;
                }
            }
            taken[next] = true;
            picked.add(pool.get(next));
            if (poolVectors[next] != null) {
                for (int i = 0; i < pool.size(); i++) {
                    if (!taken[i] && poolVectors[i] != null) {
                        redundancy[i] = Math.max(redundancy[i], Vectors.dot(poolVectors[i], poolVectors[next], 0));
                    }
                }
            }
        }
        for (int i = 0; i < pool.size(); i++) {
            if (!taken[i]) {
                picked.add(pool.get(i));
            }
        }
        picked.addAll(ranked.subList(pool.size(), ranked.size()));
        return picked;
    }

    /** The best items, in rank order, that fit the budget together; an item too large is skipped for smaller ones. */
    private static RecallResult pack(List<RecallResult.Recalled> ranked, int tokenBudget, int topK) {
        List<RecallResult.Recalled> chosen = new ArrayList<>(Math.min(topK, ranked.size()));
        int total = 0;
        for (RecallResult.Recalled candidate : ranked) {
            if (chosen.size() == topK) {
                break;
            }
            int tokens = candidate.item().tokens();
            if (total + tokens <= tokenBudget) {
                chosen.add(candidate);
                total += tokens;
            }
        }
        return new RecallResult(List.copyOf(chosen), total);
    }

}
