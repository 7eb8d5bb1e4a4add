package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.cairn.platform.Ids;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Memory's SQL, full text and neighbour lookups included, on SQLite and on PostgreSQL. */
class MemoryRepositoryTest {

    @TempDir
    static Path dir;

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    private static MemoryRepository repository(TestDatabase db) {
        return TestMemoryRepositories.over(db.source());
    }

    private static MemoryItem item(String workspace, String thread, ItemKind kind, String content, Instant at) {
        Instant now = Instant.now();
        return new MemoryItem(Ids.newId("mem"), workspace, thread, kind, content, null, "{}", at, 0.5, null, null, null,
                content.split(" ").length, null, now, now);
    }

    private static void thread(MemoryRepository repository, String workspace, String id) {
        repository.ensureWorkspace(workspace);
        Instant now = Instant.now();
        assertThat(repository.insertThread(new MemoryThread(id, workspace, null, "{}", now, now))).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void erasingASubjectDeletesItsItemsAndTheThreadsItLeavesEmpty(TestDatabase db) {
        try (db) {
            MemoryRepository repository = repository(db);
            Instant t = Instant.parse("2026-11-01T10:00:00Z");
            thread(repository, "ws", "thr-alice");
            thread(repository, "ws", "thr-shared");
            repository.insertItems(List.of(item("ws", "thr-alice", ItemKind.MESSAGE, "Alice mentions quokkas", t),
                    item("ws", "thr-shared", ItemKind.MESSAGE, "Alice likes quokkas too", t)), "sub_alice");
            repository.insertItems(List.of(item("ws", "thr-shared", ItemKind.MESSAGE, "Bob prefers quokkas", t)), "sub_bob");
            repository.insertItems(List.of(item("other", null, ItemKind.FACT, "Quokkas elsewhere", t)), "sub_alice");

            List<MemoryRepository.SubjectItem> held = repository.subjectItems("ws", "sub_alice");
            MemoryRepository.Removed removed = repository.deleteSubject("ws", "sub_alice",
                    held.stream().map(MemoryRepository.SubjectItem::threadId).toList());
            repository.compactFullText();

            assertThat(held).extracting(MemoryRepository.SubjectItem::content)
                    .containsExactlyInAnyOrder("Alice mentions quokkas", "Alice likes quokkas too");
            assertThat(removed).isEqualTo(new MemoryRepository.Removed(1, 2));
            assertThat(repository.thread("ws", "thr-alice")).as("left empty").isEmpty();
            assertThat(repository.thread("ws", "thr-shared")).as("Bob's turn is still on it").isPresent();
            assertThat(repository.fullText("ws", QueryTerms.of("quokkas"), ItemFilter.LIVE, 10)).hasSize(1);
            assertThat(repository.fullText("other", QueryTerms.of("quokkas"), ItemFilter.LIVE, 10))
                    .as("a subject id is of one workspace").hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void fullTextRanksMatchesWithinTheWorkspaceAndFilter(TestDatabase db) {
        try (db) {
            MemoryRepository repository = repository(db);
            Instant t = Instant.parse("2026-11-01T10:00:00Z");
            thread(repository, "ws", "thr-a");
            MemoryItem best = item("ws", "thr-a", ItemKind.MESSAGE, "The espresso machine in the kitchen leaks espresso", t);
            MemoryItem other = item("ws", "thr-a", ItemKind.MESSAGE, "Someone should fix the kitchen door", t);
            MemoryItem fact = item("ws", null, ItemKind.FACT, "Espresso beans are ordered monthly", t);
            MemoryItem foreign = item("other", null, ItemKind.FACT, "The espresso machine is new", t);
            repository.insertItems(List.of(best, other, fact, foreign));

            List<MemoryRepository.TextHit> hits = repository.fullText("ws", List.of("espresso", "kitchen"), ItemFilter.LIVE, 10);
            assertThat(hits).extracting(MemoryRepository.TextHit::id).containsExactlyInAnyOrder(best.id(), other.id(), fact.id());
            assertThat(hits.getFirst().id()).isEqualTo(best.id());
            assertThat(hits.getFirst().score()).isGreaterThan(hits.getLast().score());
            // Stemmed (QueryTerms stems the query as items were): "leaking" finds "leaks"; terms are never query syntax.
            assertThat(repository.fullText("ws", QueryTerms.of("leaking"), ItemFilter.LIVE, 10))
                    .extracting(MemoryRepository.TextHit::id).containsExactly(best.id());
            assertThat(repository.fullText("ws", List.of("\"or", "and)", "near*"), ItemFilter.LIVE, 10)).isEmpty();
            assertThat(repository.fullText("ws", List.of("espresso"), new ItemFilter(null, Set.of(ItemKind.FACT), null, false), 10))
                    .extracting(MemoryRepository.TextHit::id).containsExactly(fact.id());
            assertThat(repository.fullText("ws", List.of("espresso"), new ItemFilter("thr-a", Set.of(), null, false), 10))
                    .extracting(MemoryRepository.TextHit::id).containsExactly(best.id());

            // Changed content is searched by its new words; deleted items are gone from the index.
            Instant later = Instant.now();
            repository.updateItem(new MemoryItem(other.id(), "ws", "thr-a", ItemKind.MESSAGE, "The lift is broken again", null,
                    "{}", t, 0.5, null, null, null, 5, null, other.createdAt(), later), true);
            assertThat(repository.fullText("ws", List.of("lift"), ItemFilter.LIVE, 10))
                    .extracting(MemoryRepository.TextHit::id).containsExactly(other.id());
            assertThat(repository.fullText("ws", List.of("door"), ItemFilter.LIVE, 10)).isEmpty();
            repository.deleteItem("ws", best.id());
            assertThat(repository.fullText("ws", QueryTerms.of("leaks"), ItemFilter.LIVE, 10)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void neighboursAreTheAdjacentTurnsOfTheSameThread(TestDatabase db) {
        try (db) {
            MemoryRepository repository = repository(db);
            thread(repository, "ws", "thr-n");
            thread(repository, "ws", "thr-other");
            Instant session = Instant.parse("2026-05-08T13:56:00Z");
            MemoryItem q = item("ws", "thr-n", ItemKind.MESSAGE, "What did you paint?", session);
            MemoryItem fact = item("ws", "thr-n", ItemKind.FACT, "Caroline paints", session);
            MemoryItem a = item("ws", "thr-n", ItemKind.MESSAGE, "A sunset over the lake.", session);
            MemoryItem next = item("ws", "thr-n", ItemKind.MESSAGE, "It took three weeks.", session.plusSeconds(60));
            MemoryItem elsewhere = item("ws", "thr-other", ItemKind.MESSAGE, "Unrelated.", session);
            repository.insertItems(List.of(q, fact, a, next, elsewhere));

            List<Map.Entry<String, MemoryItem>> pairs = repository.neighbours("ws", List.of(a, q));
            assertThat(pairs).extracting(e -> e.getKey() + ">" + e.getValue().id())
                    .containsExactlyInAnyOrder(a.id() + ">" + q.id(), a.id() + ">" + next.id(), q.id() + ">" + a.id());
            assertThat(repository.neighbours("other-ws", List.of(a))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void embeddingsAreStoredUnlessTheContentChangedAndWorkspacesDeleteWhole(TestDatabase db) {
        try (db) {
            MemoryRepository repository = repository(db);
            thread(repository, "ws", "thr-e");
            Instant t = Instant.now();
            MemoryItem one = item("ws", "thr-e", ItemKind.MESSAGE, "one", t);
            MemoryItem two = item("ws", null, ItemKind.FACT, "two", t);
            repository.insertItems(List.of(one, two));
            // The tests of this class share a SQLite file: look at this test's items only.
            List<String> ids = List.of(one.id(), two.id());
            List<MemoryRepository.PendingText> pending = repository.pendingEmbeddings("model-a", ids);
            assertThat(repository.pendingEmbeddings("model-a", 0, 1000)).extracting(MemoryRepository.PendingText::id).contains(one.id(), two.id());
            assertThat(pending).extracting(MemoryRepository.PendingText::id).containsExactly(one.id(), two.id());
            // "two" changes while its embedding is being made: that vector must not be stored.
            repository.updateItem(new MemoryItem(two.id(), "ws", null, ItemKind.FACT, "two, changed", null, "{}", t, 0.5, null,
                    null, null, 2, null, t, t), true);
            boolean[] stored = repository.storeEmbeddings("model-a", pending,
                    List.of(Vectors.toBytes(new float[] {1, 0}), Vectors.toBytes(new float[] {0, 1})));
            assertThat(stored).containsExactly(true, false);
            assertThat(repository.pendingEmbeddings("model-a", pending.getFirst().seq(), 1000))
                    .extracting(MemoryRepository.PendingText::id).contains(two.id()).doesNotContain(one.id());
            assertThat(repository.pendingEmbeddings("model-a", ids)).extracting(MemoryRepository.PendingText::id).containsExactly(two.id());
            assertThat(repository.pendingEmbeddings("model-b", ids)).hasSize(2);
            List<String> embedded = new java.util.ArrayList<>();
            repository.forEachEmbedded("ws", "model-a", row -> embedded.add(row.id()));
            assertThat(embedded).containsExactly(one.id());
            assertThat(repository.items("other", List.of(one.id()))).isEmpty();
            assertThat(repository.items("ws", List.of(one.id(), two.id()))).containsOnlyKeys(one.id(), two.id());

            repository.deleteWorkspace("ws");
            assertThat(repository.items("ws", List.of(one.id(), two.id()))).isEmpty();
            assertThat(repository.thread("ws", "thr-e")).isEmpty();
            assertThat(repository.workspace("ws")).isEmpty();
            assertThat(repository.fullText("ws", List.of("one"), ItemFilter.LIVE, 10)).isEmpty();
        }
    }
}
