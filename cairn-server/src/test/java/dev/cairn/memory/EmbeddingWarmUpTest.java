package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.Ids;
import dev.cairn.platform.embedding.LocalEmbedder;
import dev.cairn.platform.jobs.Job;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The in-process model is loaded when first needed: not at the start of a server whose database
 * holds no memory items, at the start of one that does, and otherwise by the first embedding job,
 * after which items are embedded and recalled by vector as before.
 */
class EmbeddingWarmUpTest {

    @TempDir
    Path dir;

    private Binder config() {
        return new Binder(new MapConfigurationPropertySource(Map.of("cairn.data-dir", dir.resolve("data").toString())));
    }

    private static MemoryItem item(String content) {
        Instant now = Instant.now();
        return new MemoryItem(Ids.newId("mem"), "ws", null, ItemKind.PREFERENCE, content, null, "{}", now, 0.5, null, null, null,
                8, null, now, now);
    }

    private static MemoryRepository repository(TestDatabase db) {
        return TestMemoryRepositories.over(db.source());
    }

    private static void awaitReady(Embeddings embeddings) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!embeddings.ready() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(embeddings.ready()).as("the model was loaded within 60 s").isTrue();
    }

    @Test
    void loadedByTheFirstEmbeddingJobWhenMemoryWasNotUsedBefore() throws Exception {
        Binder config = config();
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            MemoryRepository repository = repository(db);
            Embeddings embeddings = EmbeddingQueueTest.embeddings(config);
            VectorIndex vectors = new VectorIndex(repository, embeddings, config.bindOrCreate("cairn.memory", MemoryProperties.class));
            EmbeddingQueue queue = EmbeddingQueueTest.queue(config, repository, embeddings, vectors);

            queue.warmUpIfUsed();
            Thread.sleep(500);
            assertThat(embeddings.ready()).as("no memory items, so no model at start").isFalse();

            repository.ensureWorkspace("ws");
            MemoryItem seat = item("Prefers aisle seats on long flights.");
            MemoryItem meeting = item("The weekly meeting moved to Thursday afternoon.");
            repository.insertItems(List.of(seat, meeting));
            queue.run(new Job("job_1", EmbeddingQueue.KIND, "ws", "{\"ids\":[\"" + seat.id() + "\",\"" + meeting.id() + "\"]}", 1));

            assertThat(embeddings.ready()).isTrue();
            assertThat(repository.items("ws", List.of(seat.id())).get(seat.id()).embeddingModel()).isEqualTo(LocalEmbedder.QUANTIZED);
            List<VectorIndex.Hit> hits = vectors.search("ws", embeddings.query("which seat does she like"), ItemFilter.LIVE, 2);
            assertThat(hits).extracting(VectorIndex.Hit::id).containsExactly(seat.id(), meeting.id());
        }
    }

    @Test
    void loadedInTheBackgroundAtStartWhenTheDatabaseHoldsMemoryItems() throws Exception {
        Binder config = config();
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            MemoryRepository repository = repository(db);
            repository.ensureWorkspace("ws");
            repository.insertItems(List.of(item("Prefers aisle seats on long flights.")));
            Embeddings embeddings = EmbeddingQueueTest.embeddings(config);
            EmbeddingQueue queue = EmbeddingQueueTest.queue(config, repository, embeddings, new VectorIndex(repository, embeddings, config.bindOrCreate("cairn.memory", MemoryProperties.class)));
            assertThat(embeddings.ready()).isFalse();

            queue.warmUpIfUsed();

            awaitReady(embeddings);
        }
    }
}
