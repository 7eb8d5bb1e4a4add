package dev.cairn.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.springframework.stereotype.Component;

/**
 * Embeddings of each workspace held in memory for exact nearest-neighbour search: a scan of
 * 10,000 384-dimension vectors is a few milliseconds, exact, and needs no index to tune. A
 * workspace is loaded from the database on its first search; the embedding job adds to it, and
 * any other change to its items drops it, to be loaded again.
 */
@Component
public class VectorIndex {

    /** An item's similarity to the query (cosine: vectors are unit length). */
    public record Hit(String id, float similarity) {
    }

    private final MemoryRepository repository;
    private final Embeddings embeddings;
    private final Map<String, Workspace> workspaces = new ConcurrentHashMap<>();

    public VectorIndex(MemoryRepository repository, Embeddings embeddings) {
        this.repository = repository;
        this.embeddings = embeddings;
    }

    public List<Hit> search(String workspace, float[] query, ItemFilter filter, int limit) {
        return loaded(workspace).search(query, filter, limit);
    }

    /** The item's vector, or null when it has none yet. */
    public float[] vector(String workspace, String id) {
        return loaded(workspace).vector(id);
    }

    /**
     * Adds freshly embedded items to a workspace that is loaded (waiting for a load in progress,
     * which may have read the database before these vectors were stored); one that is not loaded
     * will read them with the rest.
     */
    void added(String workspace, List<MemoryRepository.EmbeddedRow> rows) {
        workspaces.computeIfPresent(workspace, (ws, loaded) -> {
            loaded.add(rows);
            return loaded;
        });
    }

    /** Forgets a workspace after its items changed other than by gaining embeddings. */
    public void invalidate(String workspace) {
        workspaces.remove(workspace);
    }

    private Workspace loaded(String workspace) {
        return workspaces.computeIfAbsent(workspace, ws -> {
            Workspace index = new Workspace();
            List<MemoryRepository.EmbeddedRow> batch = new ArrayList<>(1024);
            repository.forEachEmbedded(ws, embeddings.model(), row -> {
                batch.add(row);
                if (batch.size() == 1024) {
                    index.add(batch);
                    batch.clear();
                }
            });
            index.add(batch);
            return index;
        });
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
                    int at = existing != null ? existing : size++;
                    grow();
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

        private void grow() {
            if (size <= ids.length) {
                return;
            }
            int capacity = ids.length * 2;
            ids = Arrays.copyOf(ids, capacity);
            threads = Arrays.copyOf(threads, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
            occurred = Arrays.copyOf(occurred, capacity);
            retired = Arrays.copyOf(retired, capacity);
            vectors = Arrays.copyOf(vectors, capacity * dimension);
        }

        List<Hit> search(float[] query, ItemFilter filter, int limit) {
            lock.readLock().lock();
            try {
                if (size == 0 || query.length != dimension || limit <= 0) {
                    return List.of();
                }
                PriorityQueue<Hit> best = new PriorityQueue<>(limit + 1, (a, b) -> Float.compare(a.similarity(), b.similarity()));
                for (int i = 0; i < size; i++) {
                    if (!filter.accepts(threads[i], kinds[i], occurred[i], retired[i])) {
                        continue;
                    }
                    float similarity = Vectors.dot(query, vectors, i * dimension);
                    if (best.size() < limit) {
                        best.add(new Hit(ids[i], similarity));
                    } else if (similarity > best.peek().similarity()) {
                        best.poll();
                        best.add(new Hit(ids[i], similarity));
                    }
                }
                List<Hit> hits = new ArrayList<>(best);
                hits.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
                return hits;
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
