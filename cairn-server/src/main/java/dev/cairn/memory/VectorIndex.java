package dev.cairn.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.CacheBytes;
import org.springframework.stereotype.Component;

/**
 * Embeddings of each workspace held in memory for exact nearest-neighbour search: a scan of
 * 10,000 384-dimension vectors is a few milliseconds, exact, and needs no index to tune. A
 * workspace is loaded from the database on its first search; the embedding job adds to it, and
 * any other change to its items drops it, to be loaded again.
 *
 * <p>The workspaces held are bounded by bytes ({@code cairn.memory.recall.vector-index-bytes}),
 * least recently used first out: memory grows with every stored turn, and a process's heap must
 * not. A workspace larger than the whole bound is not held at all; its searches read its vectors
 * from the database as they go (the same exact answer, at the cost of a scan of its rows).
 */
@Component
public class VectorIndex {

    /** An item's similarity to the query (cosine: vectors are unit length). */
    public record Hit(String id, float similarity) {
    }

    private final MemoryRepository repository;
    private final Embeddings embeddings;
    private final long maxBytes;
    private final Cache<String, Workspace> workspaces;
    /** Workspaces found larger than the bound: searched from the database until their items change. */
    private final Set<String> oversized = ConcurrentHashMap.newKeySet();

    public VectorIndex(MemoryRepository repository, Embeddings embeddings, MemoryProperties memory) {
        this.repository = repository;
        this.embeddings = embeddings;
        this.maxBytes = memory.recall().vectorIndexBytes().toBytes();
        this.workspaces = CacheBytes.<String, Workspace>bounded(maxBytes, (ws, index) -> index.bytes()).build();
    }

    public List<Hit> search(String workspace, float[] query, ItemFilter filter, int limit) {
        Workspace index = loaded(workspace);
        return index != null ? index.search(query, filter, limit) : scan(workspace, query, filter, limit);
    }

    /** The item's vector, or null when it has none yet. */
    public float[] vector(String workspace, String id) {
        Workspace index = loaded(workspace);
        if (index != null) {
            return index.vector(id);
        }
        return repository.embedded(workspace, embeddings.model(), id).map(row -> Vectors.fromBytes(row.embedding())).orElse(null);
    }

    /**
     * Adds freshly embedded items to a workspace that is loaded (waiting for a load in progress,
     * which may have read the database before these vectors were stored); one that is not loaded
     * will read them with the rest. Through the map's compute, so that the cache weighs it again.
     */
    void added(String workspace, List<MemoryRepository.EmbeddedRow> rows) {
        workspaces.asMap().computeIfPresent(workspace, (ws, loaded) -> {
            if (CacheBytes.ENTRY + loaded.bytesWith(rows.size()) > maxBytes) {
                // Growing it would pass the bound (and allocate its doubled arrays first): searched
                // from the database from now on, as if it had been too large when loaded.
                oversized.add(ws);
                return null;
            }
            loaded.add(rows);
            return loaded;
        });
    }

    /** Forgets a workspace after its items changed other than by gaining embeddings. */
    public void invalidate(String workspace) {
        workspaces.invalidate(workspace);
        oversized.remove(workspace);
    }

    /** Bytes the workspaces held take now, by the same estimate that bounds them. */
    long heldBytes() {
        workspaces.cleanUp();
        return workspaces.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    /** The workspace's index, loaded if need be; null when it is larger than the bound. */
    private Workspace loaded(String workspace) {
        if (oversized.contains(workspace)) {
            return null;
        }
        return workspaces.get(workspace, this::load);
    }

    private Workspace load(String workspace) {
        Workspace index = new Workspace();
        List<MemoryRepository.EmbeddedRow> batch = new ArrayList<>(1024);
        boolean[] tooLarge = {false};
        repository.forEachEmbedded(workspace, embeddings.model(), row -> {
            if (tooLarge[0]) {
                return;
            }
            batch.add(row);
            if (batch.size() == 1024) {
                index.add(batch);
                batch.clear();
                tooLarge[0] = CacheBytes.ENTRY + index.bytes() > maxBytes;
            }
        });
        index.add(batch);
        if (tooLarge[0] || CacheBytes.ENTRY + index.bytes() > maxBytes) {
            oversized.add(workspace);
            return null; // not cached: Caffeine keeps no entry for a null
        }
        return index;
    }

    /** A search of a workspace not held: its rows read one by one, each vector compared and dropped. */
    private List<Hit> scan(String workspace, float[] query, ItemFilter filter, int limit) {
        Best best = new Best(limit);
        if (limit > 0) {
            repository.forEachEmbedded(workspace, embeddings.model(), row -> {
                if (filter.accepts(row.threadId(), row.kind(), row.occurredAt(), row.retired())) {
                    float[] vector = Vectors.fromBytes(row.embedding());
                    if (vector.length == query.length) {
                        best.offer(row.id(), Vectors.dot(query, vector, 0));
                    }
                }
            });
        }
        return best.ranked();
    }

    /** The {@code limit} most similar seen so far. */
    private static final class Best {
        private final int limit;
        private final PriorityQueue<Hit> hits;

        Best(int limit) {
            this.limit = limit;
            this.hits = new PriorityQueue<>(Math.max(1, limit + 1), (a, b) -> Float.compare(a.similarity(), b.similarity()));
        }

        void offer(String id, float similarity) {
            if (hits.size() < limit) {
                hits.add(new Hit(id, similarity));
            } else if (limit > 0 && similarity > hits.peek().similarity()) {
                hits.poll();
                hits.add(new Hit(id, similarity));
            }
        }

        List<Hit> ranked() {
            List<Hit> ranked = new ArrayList<>(hits);
            ranked.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
            return ranked;
        }
    }

    /** One workspace's vectors in flat arrays; searches share a read lock, additions take the write lock. */
    private static final class Workspace {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final Map<String, Integer> positions = new HashMap<>();
        private String[] ids = new String[64];
        private String[] threads = new String[64];
        private ItemKind[] kinds = new ItemKind[64];
        private long[] occurred = new long[64];
        private boolean[] retired = new boolean[64];
        private float[] vectors = new float[0];
        private int dimension;
        private int size;
        /** Per slot besides its vector: the id and thread strings, the map's node and boxed position, the columns. */
        private static final long SLOT_BYTES = 200;

        /** The heap this index takes, by its arrays' capacity (what it has allocated, not what it uses). */
        long bytes() {
            return (long) ids.length * SLOT_BYTES + 16L + 4L * vectors.length;
        }

        /** What {@link #bytes()} would be once {@code more} new items were added (the arrays doubled as often as needed). */
        long bytesWith(int more) {
            lock.readLock().lock();
            try {
                long capacity = ids.length;
                while (capacity < (long) size + more) {
                    capacity *= 2;
                }
                return capacity * SLOT_BYTES + 16L + 4L * capacity * Math.max(dimension, 1);
            } finally {
                lock.readLock().unlock();
            }
        }

        void add(List<MemoryRepository.EmbeddedRow> rows) {
            if (rows.isEmpty()) {
                return;
            }
            lock.writeLock().lock();
            try {
                for (MemoryRepository.EmbeddedRow row : rows) {
                    float[] vector = Vectors.fromBytes(row.embedding());
                    if (dimension == 0) {
                        dimension = vector.length;
                        vectors = new float[64 * dimension];
                    }
                    if (vector.length != dimension) {
                        continue; // made by another model with another size; it is pending re-embedding
                    }
                    Integer existing = positions.get(row.id());
                    if (existing == null) {
                        grow(size + 1); // before size counts the slot: a failed allocation leaves the index as it was
                    }
                    int at = existing != null ? existing : size++;
                    ids[at] = row.id();
                    threads[at] = row.threadId();
                    kinds[at] = row.kind();
                    occurred[at] = row.occurredAt();
                    retired[at] = row.retired();
                    System.arraycopy(vector, 0, vectors, at * dimension, dimension);
                    positions.put(row.id(), at);
                }
            } finally {
                lock.writeLock().unlock();
            }
        }

        /**
         * Makes room for {@code needed} slots. Every new array is made before any is swapped in, so
         * that running out of heap midway (an {@link OutOfMemoryError}) leaves the arrays of one size.
         */
        private void grow(int needed) {
            if (needed <= ids.length) {
                return;
            }
            int capacity = ids.length * 2;
            float[] newVectors = Arrays.copyOf(vectors, capacity * dimension);
            String[] newIds = Arrays.copyOf(ids, capacity);
            String[] newThreads = Arrays.copyOf(threads, capacity);
            ItemKind[] newKinds = Arrays.copyOf(kinds, capacity);
            long[] newOccurred = Arrays.copyOf(occurred, capacity);
            boolean[] newRetired = Arrays.copyOf(retired, capacity);
            vectors = newVectors;
            ids = newIds;
            threads = newThreads;
            kinds = newKinds;
            occurred = newOccurred;
            retired = newRetired;
        }

        List<Hit> search(float[] query, ItemFilter filter, int limit) {
            lock.readLock().lock();
            try {
                if (size == 0 || query.length != dimension || limit <= 0) {
                    return List.of();
                }
                Best best = new Best(limit);
                for (int i = 0; i < size; i++) {
                    if (filter.accepts(threads[i], kinds[i], occurred[i], retired[i])) {
                        best.offer(ids[i], Vectors.dot(query, vectors, i * dimension));
                    }
                }
                return best.ranked();
            } finally {
                lock.readLock().unlock();
            }
        }

        float[] vector(String id) {
            lock.readLock().lock();
            try {
                Integer at = positions.get(id);
                return at == null ? null : Arrays.copyOfRange(vectors, at * dimension, (at + 1) * dimension);
            } finally {
                lock.readLock().unlock();
            }
        }
    }
}
