package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.Ids;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.RedisProperties;
import dev.cairn.platform.embedding.LocalEmbedder;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobsProperties;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.JsonNode;

/** The embedding job against a remote model that refuses one input: the others are embedded all the same. */
class EmbeddingQueueTest {

    /** Embeddings as Spring wires them from these settings. */
    static Embeddings embeddings(Binder config) {
        MemoryProperties memory = config.bindOrCreate("cairn.memory", MemoryProperties.class);
        return new Embeddings(memory, new MemoryCache(config.bindOrCreate("cairn.redis", RedisProperties.class)),
                new LocalEmbedder(config.bindOrCreate("cairn", PlatformProperties.class).dataDir(), memory.embedding().threads()));
    }

    /** The embedding queue as Spring wires it from these settings, without a job queue. */
    static EmbeddingQueue queue(Binder config, MemoryRepository repository, Embeddings embeddings, VectorIndex vectors) {
        return new EmbeddingQueue(null, repository, embeddings, vectors, config.bindOrCreate("cairn.jobs", JobsProperties.class),
                config.bindOrCreate("cairn.memory", MemoryProperties.class));
    }

    static final FakeUpstream MODEL = FakeUpstream.start();

    @TempDir
    Path dir;

    @AfterAll
    static void stop() {
        MODEL.close();
    }

    /** Refuses any call with an input containing POISON, as a remote model refuses an over-long input. */
    private static void modelRefusingPoison() {
        MODEL.handler((exchange, request) -> {
            JsonNode input = request.json().get("input");
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < input.size(); i++) {
                if (input.get(i).asString().contains("POISON")) {
                    FakeUpstream.json(exchange, 400, "{\"error\":{\"message\":\"input too long\"}}");
                    return;
                }
                data.append(i == 0 ? "" : ",").append("{\"index\":").append(i).append(",\"embedding\":[")
                        .append(input.get(i).asString().length()).append(",1,0]}");
            }
            FakeUpstream.json(exchange, 200, "{\"object\":\"list\",\"data\":[" + data + "]}");
        });
    }

    private static MemoryItem item(String content) {
        Instant now = Instant.now();
        return new MemoryItem(Ids.newId("mem"), "ws", null, ItemKind.FACT, content, null, "{}", now, 0.5, null, null, null, 3,
                null, now, now);
    }

    @Test
    void oneRefusedInputDoesNotHoldBackTheRest() {
        modelRefusingPoison();
        Binder config = new Binder(new MapConfigurationPropertySource(Map.of(
                "cairn.memory.embedding.provider", "remote",
                "cairn.memory.embedding.base-url", MODEL.baseUrl(),
                "cairn.memory.embedding.model", "fake-embedder",
                "cairn.jobs.workers", "0")));
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            MemoryRepository repository = TestMemoryRepositories.over(db.source());
            Embeddings embeddings = embeddings(config);
            EmbeddingQueue queue = queue(config, repository, embeddings, new VectorIndex(repository, embeddings, config.bindOrCreate("cairn.memory", MemoryProperties.class)));
            repository.ensureWorkspace("ws");
            MemoryItem good = item("a good fact");
            MemoryItem poison = item("POISON fact");
            MemoryItem other = item("another fact");
            repository.insertItems(List.of(good, poison, other));
            List<String> ids = List.of(good.id(), poison.id(), other.id());

            queue.run(new Job("job_1", EmbeddingQueue.KIND, "ws", "{\"ids\":[\"" + String.join("\",\"", ids) + "\"]}", 1));

            assertThat(repository.pendingEmbeddings("fake-embedder", ids)).extracting(MemoryRepository.PendingText::id)
                    .containsExactly(poison.id());
            assertThat(repository.items("ws", ids).get(good.id()).embeddingModel()).isEqualTo("fake-embedder");
            // A job with nothing the model will take fails, so the queue retries it with backoff.
            assertThatThrownBy(() -> queue.run(new Job("job_2", EmbeddingQueue.KIND, "ws", "{\"ids\":[\"" + poison.id() + "\"]}", 1)))
                    .hasMessageContaining("embedded none");
            // The start-up sweep walks past the refused item instead of trying it forever.
            queue.run(new Job("job_3", EmbeddingQueue.KIND, null, "{\"sweep\":true}", 1));
            assertThat(repository.pendingEmbeddings("fake-embedder", ids)).extracting(MemoryRepository.PendingText::id)
                    .containsExactly(poison.id());
        }
    }

    @Test
    void aTurnThatWasJustRecalledWithIsNotEmbeddedAgain() {
        List<String> embedded = new java.util.concurrent.CopyOnWriteArrayList<>();
        MODEL.handler((exchange, request) -> {
            JsonNode input = request.json().get("input");
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < input.size(); i++) {
                embedded.add(input.get(i).asString());
                data.append(i == 0 ? "" : ",").append("{\"index\":").append(i).append(",\"embedding\":[")
                        .append(input.get(i).asString().length()).append(",1,0]}");
            }
            FakeUpstream.json(exchange, 200, "{\"object\":\"list\",\"data\":[" + data + "]}");
        });
        Binder config = new Binder(new MapConfigurationPropertySource(Map.of(
                "cairn.memory.embedding.provider", "remote",
                "cairn.memory.embedding.base-url", MODEL.baseUrl(),
                "cairn.memory.embedding.model", "fake-embedder",
                "cairn.jobs.workers", "0")));
        Embeddings embeddings = embeddings(config);
        String turn = "Which seat did I book for the Lisbon flight?";
        float[] asQuery = embeddings.query(turn);

        List<float[]> vectors = embeddings.embed(List.of("The answer: seat 14C, by the aisle.", turn));

        // The recall embedded the turn; capturing it embeds only the answer, and the turn keeps the query's vector.
        assertThat(embedded).containsExactly(turn, "The answer: seat 14C, by the aisle.");
        assertThat(vectors.get(1)).isSameAs(asQuery);
        assertThat(vectors.get(0)).isNotNull();
    }
}
