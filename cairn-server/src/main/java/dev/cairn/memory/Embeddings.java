package dev.cairn.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.CacheBytes;
import dev.cairn.platform.embedding.Embedder;
import dev.cairn.platform.embedding.LocalEmbedder;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The configured embedding model, fed in batches, with recent query vectors cached: a recall
 * repeated by an agent loop, or the same question over many threads, embeds once.
 */
@Component
public class Embeddings {

    private final Embedder embedder;
    private final int batchSize;
    private final Cache<String, float[]> queries;
    private final MemoryCache shared;

    public Embeddings(MemoryProperties memory, MemoryCache shared, LocalEmbedder local) {
        MemoryProperties.Embedding config = memory.embedding();
        this.embedder = switch (config.provider()) {
            case "local" -> local.as(config.localModel());
            case "remote" -> new RemoteEmbedder(config.baseUrl(), config.apiKey(), config.model());
            default -> throw new IllegalStateException("cairn.memory.embedding.provider must be local or remote, not '"
                    + config.provider() + "'");
        };
        this.batchSize = Math.max(1, config.batchSize());
        // By bytes: a vector's size is the model's (1.5 KB for the local model, 12 KB for a remote
        // 3,072-dimension one), which an entry count cannot know.
        this.queries = CacheBytes.<String, float[]>bounded(config.queryCacheBytes().toBytes(),
                (digest, vector) -> CacheBytes.of(digest) + CacheBytes.of(vector)).build();
        this.shared = shared;
    }

    /** What the query cache holds now, by its weigher, once its pending evictions are done. */
    long cachedQueryBytes() {
        queries.cleanUp();
        return queries.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    public String model() {
        return embedder.model();
    }

    /**
     * The texts' vectors, in order. A text this process embedded as a recall query is taken from the
     * query cache rather than embedded again: a captured user turn is the query its own request's
     * recall just embedded, so capturing a turn costs one model run (the answer) instead of two. The
     * cache is only read here, never filled, so texts that merely repeat are still embedded.
     */
    public List<float[]> embed(List<String> texts) {
        float[][] vectors = new float[texts.size()][];
        List<Integer> missing = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            vectors[i] = queries.getIfPresent(MemoryCache.digest(texts.get(i)));
            if (vectors[i] == null) {
                missing.add(i);
            }
        }
        for (int from = 0; from < missing.size(); from += batchSize) {
            List<Integer> batch = missing.subList(from, Math.min(missing.size(), from + batchSize));
            List<float[]> made = embedder.embed(batch.stream().map(texts::get).toList());
            for (int j = 0; j < batch.size(); j++) {
                vectors[batch.get(j)] = made.get(j);
            }
        }
        return Arrays.asList(vectors);
    }

    /** The query's vector: from this process's cache, else the shared one, else the model. */
    public float[] query(String text) {
        String digest = MemoryCache.digest(text);
        return queries.get(digest, key -> {
            String sharedKey = "cairn:qemb:" + embedder.model() + ":" + digest;
            float[] cached = shared.getVector(sharedKey);
            if (cached != null) {
                return cached;
            }
            float[] vector = embedder.embed(List.of(text)).getFirst();
            shared.putVector(sharedKey, vector);
            return vector;
        });
    }

    /**
     * Drops the cached vector of a query text from both caches: a user turn that was used as a
     * recall query, once its data subject is erased: an embedding is derived from the text and
     * can be inverted to text close to it.
     */
    void forgetQuery(String text) {
        String digest = MemoryCache.digest(text);
        queries.invalidate(digest);
        shared.delete("cairn:qemb:" + embedder.model() + ":" + digest);
    }

    /**
     * Loads an in-process model in the background, so that the first recall does not wait for it
     * (about 2 s); does nothing for a remote model or one already loaded.
     */
    void warmUpInBackground() {
        if (ready()) {
            return;
        }
        Thread.ofPlatform().name("cairn-embedding-warm-up").daemon().start(() -> {
            try {
                embedder.embed(List.of("warm up"));
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Embeddings.class).warn("Embedding model warm-up failed: {}", e.toString());
            }
        });
    }

    /** Whether embedding now would not first have to load a model. */
    boolean ready() {
        return !(embedder instanceof LocalEmbedder local) || local.isLoaded();
    }
}
