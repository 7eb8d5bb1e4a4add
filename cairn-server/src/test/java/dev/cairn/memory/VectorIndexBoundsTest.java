package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import dev.cairn.platform.Ids;
import dev.cairn.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The vector index holds workspaces up to its byte bound and no more; a workspace larger than the
 * bound is searched from the database with the same exact answer as the index gives.
 */
class VectorIndexBoundsTest {

    private static final int DIMENSION = 384;

    @TempDir
    Path dir;

    private final Random random = new Random(7);

    @Test
    void aWorkspaceOverTheBoundIsSearchedFromTheDatabaseWithTheSameAnswerAndIsNotHeld() {
        try (TestDatabases.TestDatabase db = TestDatabases.sqlite(dir)) {
            MemoryRepository repository = TestMemoryRepositories.over(db.source());
            Embeddings embeddings = EmbeddingQueueTest.embeddings(config("1GB"));
            List<float[]> big = store(repository, embeddings.model(), "big", 300);
            List<float[]> small = store(repository, embeddings.model(), "small", 20);
            float[] query = unit();

            // 64 slots of a 384-float vector take about 111 KB, 512 slots about 890 KB.
            VectorIndex bounded = new VectorIndex(repository, embeddings, config("200KB").bindOrCreate("cairn.memory", MemoryProperties.class));
            VectorIndex unbounded = new VectorIndex(repository, embeddings, config("1GB").bindOrCreate("cairn.memory", MemoryProperties.class));

            List<VectorIndex.Hit> streamed = bounded.search("big", query, ItemFilter.LIVE, 10);
            List<VectorIndex.Hit> held = unbounded.search("big", query, ItemFilter.LIVE, 10);
            assertThat(streamed).extracting(VectorIndex.Hit::id).containsExactlyElementsOf(expected(big, query, 10))
                    .containsExactlyElementsOf(held.stream().map(VectorIndex.Hit::id).toList());
            assertThat(bounded.heldBytes()).as("the oversized workspace is not held").isZero();
            assertThat(unbounded.heldBytes()).isGreaterThan(800_000);

            assertThat(bounded.search("small", query, ItemFilter.LIVE, 5)).extracting(VectorIndex.Hit::id)
                    .containsExactlyElementsOf(expected(small, query, 5));
            assertThat(bounded.heldBytes()).as("the small one is held, within the bound").isPositive().isLessThanOrEqualTo(200 * 1024);

            String id = ids.get(3);
            assertThat(bounded.vector("big", id)).as("a vector of a workspace not held, from the database")
                    .containsExactly(unbounded.vector("big", id));
        }
    }

    @Test
    void aHeldWorkspaceTheEmbeddingJobWouldGrowPastTheBoundIsDroppedAndStillAnswersExactly() {
        try (TestDatabases.TestDatabase db = TestDatabases.sqlite(dir)) {
            MemoryRepository repository = TestMemoryRepositories.over(db.source());
            Embeddings embeddings = EmbeddingQueueTest.embeddings(config("1GB"));
            List<float[]> vectors = new ArrayList<>(store(repository, embeddings.model(), "growing", 60));
            VectorIndex index = new VectorIndex(repository, embeddings, config("200KB").bindOrCreate("cairn.memory", MemoryProperties.class));
            float[] query = unit();
            assertThat(index.search("growing", query, ItemFilter.LIVE, 5)).hasSize(5);
            assertThat(index.heldBytes()).as("64 slots fit").isPositive();

            // The embedding job hands in 100 more: 160 slots would take about 280 KB.
            int before = ids.size();
            vectors.addAll(store(repository, embeddings.model(), "growing", 100));
            List<String> added = ids.subList(before, ids.size());
            List<MemoryRepository.EmbeddedRow> rows = new ArrayList<>();
            repository.forEachEmbedded("growing", embeddings.model(), row -> {
                if (added.contains(row.id())) {
                    rows.add(row);
                }
            });
            index.added("growing", rows);

            assertThat(index.heldBytes()).as("dropped rather than grown past the bound").isZero();
            assertThat(index.search("growing", query, ItemFilter.LIVE, 10)).extracting(VectorIndex.Hit::id)
                    .containsExactlyElementsOf(expected(vectors, query, 10));
        }
    }

    private final List<String> ids = new ArrayList<>();
    private final Map<float[], String> idOf = new java.util.IdentityHashMap<>();

    private List<float[]> store(MemoryRepository repository, String model, String workspace, int count) {
        repository.ensureWorkspace(workspace);
        Instant now = Instant.now();
        List<MemoryItem> items = IntStream.range(0, count).mapToObj(i -> new MemoryItem(Ids.newId("mem"), workspace, null,
                ItemKind.FACT, "item " + i, null, "{}", now, 0.5, null, null, null, 2, null, now, now)).toList();
        repository.insertItems(items);
        List<MemoryRepository.PendingText> pending = repository.pendingEmbeddings(model, items.stream().map(MemoryItem::id).toList());
        List<float[]> vectors = pending.stream().map(p -> unit()).toList();
        repository.storeEmbeddings(model, pending, vectors.stream().map(Vectors::toBytes).toList());
        for (int i = 0; i < pending.size(); i++) {
            idOf.put(vectors.get(i), pending.get(i).id());
            ids.add(pending.get(i).id());
        }
        return vectors;
    }

    private List<String> expected(List<float[]> vectors, float[] query, int limit) {
        return vectors.stream().sorted(Comparator.comparingDouble((float[] v) -> -Vectors.dot(query, v, 0)))
                .limit(limit).map(idOf::get).toList();
    }

    private float[] unit() {
        float[] vector = new float[DIMENSION];
        double norm = 0;
        for (int i = 0; i < DIMENSION; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < DIMENSION; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    private Binder config(String vectorIndexBytes) {
        return new Binder(new MapConfigurationPropertySource(Map.of("cairn.data-dir", dir.resolve("data").toString(),
                "cairn.memory.recall.vector-index-bytes", vectorIndexBytes)));
    }
}
