package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.TokenCounter;
import dev.cairn.platform.embedding.LocalEmbedder;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobQueue;
import dev.cairn.platform.jobs.JobsProperties;
import dev.cairn.platform.jobs.TestJobQueues;
import dev.cairn.platform.RedisProperties;
import dev.cairn.support.MigrationDatabase;
import dev.cairn.support.Settings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Memory content at rest: items written with distinctive words leave none of them (nor their
 * lower-cased or stemmed forms, which a full-text index would hold) in any file of the data
 * directory, the database's WAL included, while recall still finds them by word and by meaning
 * (the in-process model). Rows an earlier version stored in clear are sealed at start, and their
 * clear pages leave the files. SQLite files are read; on PostgreSQL the rows are read instead.
 */
class MemoryAtRestTest {

    private static final String WS = "ws-at-rest";
    private static final String SECRET = "Zorblaxian courier passcode QUOKKAVELVET-4711 opens the Smaragdine warehouse";
    private static final String LEGACY = "Legacy note: the vault answer is PLUMTRELLIS-9082 near Obsidianport";
    private static final List<String> DISTRACTIONS = List.of(
            "We talked about baking sourdough bread on Sunday mornings",
            "My sister is learning to play the cello in an orchestra",
            "The football match was cancelled because of heavy rain",
            "I repainted the garden fence a pale shade of green");

    @TempDir
    Path dir;

    /** Memory as Spring builds it, with the in-process model, over the migrated database. */
    private record Stack(MemoryRepository repository, MemoryService service, EmbeddingQueue embeddingQueue, HybridRecall recall) {
    }

    private Stack stack(MigrationDatabase db) {
        Map<String, String> settings = Map.of("cairn.data-dir", dir.toString(), "cairn.jobs.workers", "0");
        MemoryProperties properties = Settings.bind("cairn.memory", MemoryProperties.class, settings);
        MemoryRepository repository = TestMemoryRepositories.over(db.source());
        MemoryCache cache = new MemoryCache(Settings.bind("cairn.redis", RedisProperties.class, settings));
        Embeddings embeddings = new Embeddings(properties, cache,
                new LocalEmbedder(Settings.bind("cairn", PlatformProperties.class, settings).dataDir(), properties.embedding().threads()));
        VectorIndex vectors = new VectorIndex(repository, embeddings, properties);
        JobQueue[] jobs = new JobQueue[1];
        EmbeddingQueue embeddingQueue = new EmbeddingQueue(new ObjectProvider<>() {
            @Override
            public JobQueue getObject() {
                return jobs[0];
            }
        }, repository, embeddings, vectors, Settings.bind("cairn.jobs", JobsProperties.class, settings), properties);
        jobs[0] = TestJobQueues.idle(db.source(), embeddingQueue);
        MemoryService service = new MemoryService(repository, vectors, embeddingQueue, new ThreadWindows(repository, cache, properties),
                new TokenCounter(), new TransactionTemplate(new DataSourceTransactionManager(db.source())));
        return new Stack(repository, service, embeddingQueue, new HybridRecall(repository, vectors, embeddings, properties));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void sealedItemsLeaveNoClearWordOnDiskAndAreRecalledByWordAndMeaning(String vendor) throws Exception {
        try (MigrationDatabase db = MigrationDatabase.create(vendor, dir)) {
            // An earlier version's row, in clear and in the clear full-text index.
            if (vendor.equals("sqlite")) {
                db.jdbc().sql("PRAGMA journal_mode = WAL").query(String.class).single(); // as the server runs it
            }
            db.migrate("20"); // the last version before memory was sealed (V23) that every branch has
            db.jdbc().sql("INSERT INTO memory_workspaces (id, created_at, updated_at) VALUES (?, 0, 0)").param(WS).update();
            db.jdbc().sql("INSERT INTO memory_items (id, workspace, kind, content, occurred_at, salience, tokens, created_at, updated_at) "
                    + "VALUES ('mem_legacy', ?, 'fact', ?, 0, 0.5, 12, 0, 0)").params(WS, LEGACY).update();
            db.migrate(null);
            Stack memory = stack(db);
            new MemorySealing(memory.repository()).afterSingletonsInstantiated();

            List<NewItem> items = new ArrayList<>();
            items.add(new NewItem(null, ItemKind.FACT, SECRET, null, Instant.now(), null, null, null, null));
            DISTRACTIONS.forEach(text -> items.add(new NewItem(null, ItemKind.FACT, text, null, Instant.now(), null, null, null, null)));
            String secretId = memory.service().addItems(WS, items).getFirst().id();
            memory.embeddingQueue().run(new Job("job_sweep", EmbeddingQueue.KIND, null, "{\"sweep\":true}", 1));

            // By word, the legacy row included; by meaning, with none of its words.
            assertThat(recalled(memory, "QUOKKAVELVET-4711", RecallQuery.Mode.TEXT)).containsExactly(secretId);
            assertThat(recalled(memory, "plumtrellis", RecallQuery.Mode.TEXT)).containsExactly("mem_legacy");
            assertThat(recalled(memory, "Which code lets the delivery person into the storage building?", RecallQuery.Mode.VECTOR)
                    .getFirst()).isEqualTo(secretId);
            assertThat(memory.repository().item(WS, secretId).orElseThrow().content()).isEqualTo(SECRET);
            assertThat(memory.repository().item(WS, "mem_legacy").orElseThrow().content()).isEqualTo(LEGACY);

            List<String> clear = clearForms();
            if (vendor.equals("sqlite")) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                        assertThat(clear).as("clear words in " + file.getFileName()).noneMatch(bytes::contains);
                    }
                }
            } else {
                String rows = String.join("\n", db.jdbc().sql("SELECT CONCAT(content, ' ', terms, ' ', terms_tsv::text) FROM memory_items")
                        .query(String.class).list());
                assertThat(clear).noneMatch(rows::contains);
            }
        }
    }

    private static List<String> recalled(Stack memory, String query, RecallQuery.Mode mode) {
        return memory.recall().recall(WS, new RecallQuery(query, ItemFilter.LIVE, 4000, 3, mode, MemoryProperties.Fusion.SCORE,
                0, 0, 0, 1)).items().stream().map(r -> r.item().id()).toList();
    }

    /** The distinctive words as written, lower-cased (the tokenizer's form) and stemmed. */
    private static List<String> clearForms() throws IOException {
        List<String> forms = new ArrayList<>();
        for (String word : List.of("QUOKKAVELVET", "Zorblaxian", "Smaragdine", "PLUMTRELLIS", "Obsidianport")) {
            forms.add(word);
            forms.add(word.toLowerCase(Locale.ROOT));
            forms.add(Words.stems(List.of(word.toLowerCase(Locale.ROOT))).getFirst());
        }
        forms.add("courier passcode");
        return forms;
    }
}
