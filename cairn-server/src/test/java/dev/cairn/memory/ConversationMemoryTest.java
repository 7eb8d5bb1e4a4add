package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import dev.cairn.support.Settings;
import dev.cairn.platform.jobs.JobsProperties;
import dev.cairn.platform.RedisProperties;
import dev.cairn.platform.WriteGate;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import dev.cairn.platform.TokenCounter;
import dev.cairn.platform.embedding.LocalEmbedder;
import dev.cairn.platform.jobs.JobQueue;
import dev.cairn.platform.jobs.TestJobQueues;
import dev.cairn.support.FakeUpstream;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Conversation memory alone, without a server: the memory service, thread windows and hybrid recall
 * on a SQLite file, the query embedded by an OpenAI-shaped fake model on a local port (nothing is
 * embedded in the background, so recall finds items by full text). Which thread a request names,
 * what recall puts into the prompt and within which bounds, and what a finished call leaves behind.
 */
class ConversationMemoryTest {

    static final FakeUpstream EMBEDDER = FakeUpstream.start();
    static final TokenCounter TOKENS = new TokenCounter();
    private static final AtomicInteger WORKSPACES = new AtomicInteger();

    @TempDir
    static Path dir;

    private static TestDatabase db;

    /** Each test has a workspace of its own in the one database. */
    private final String ws = "ws_" + WORKSPACES.incrementAndGet();
    private MemoryService service;
    private ConversationMemory memory;

    @BeforeAll
    static void openTheDatabase() {
        db = TestDatabases.sqlite(dir);
    }

    @AfterAll
    static void close() {
        db.close();
        EMBEDDER.close();
    }

    @BeforeEach
    void build() {
        memory = memory(Map.of());
    }

    /** Conversation memory as Spring builds it, on the test's database, with these settings added. */
    private ConversationMemory memory(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "cairn.data-dir", dir.toString(),
                "cairn.jobs.workers", "0",
                "cairn.memory.embedding.provider", "remote",
                "cairn.memory.embedding.base-url", EMBEDDER.baseUrl(),
                "cairn.memory.embedding.model", "fake-embedder",
                "cairn.memory.context-windows.small-model", "1000"));
        settings.putAll(extra);
        MemoryProperties properties = Settings.bind("cairn.memory", MemoryProperties.class, settings);
        JobsProperties jobsConfig = Settings.bind("cairn.jobs", JobsProperties.class, settings);
        MemoryRepository repository = TestMemoryRepositories.over(db.source());
        MemoryCache cache = new MemoryCache(Settings.bind("cairn.redis", RedisProperties.class, settings));
        Embeddings embeddings = new Embeddings(properties, cache,
                new LocalEmbedder(Settings.bind("cairn", PlatformProperties.class, settings).dataDir(),
                        properties.embedding().threads()));
        VectorIndex vectors = new VectorIndex(repository, embeddings, properties);
        JobQueue[] jobs = new JobQueue[1];
        EmbeddingQueue embeddingQueue = new EmbeddingQueue(new ObjectProvider<>() {
            @Override
            public JobQueue getObject() {
                return jobs[0];
            }
        }, repository, embeddings, vectors, jobsConfig, properties);
        jobs[0] = TestJobQueues.idle(db.source(), embeddingQueue);
        ThreadWindows windows = new ThreadWindows(repository, cache, properties);
        service = new MemoryService(repository, vectors, embeddingQueue, windows, TOKENS,
                new TransactionTemplate(new DataSourceTransactionManager(db.source())));
        FactExtraction extraction = new FactExtraction(properties, null, null, repository, null);
        return new ConversationMemory(service, windows, new HybridRecall(repository, vectors, embeddings, properties), TOKENS,
                properties, new TurnWriter(service, extraction, WriteGate.OPEN), null); // no master key: these turns name no data subject
    }

    private static JsonNode json(String text) {
        return JsonBodies.JSON.readTree(text);
    }

    /** Counts how often recall asked for the prompt's size. */
    private static final class Prompt implements LongSupplier {
        final AtomicInteger asked = new AtomicInteger();
        private final long tokens;

        Prompt(long tokens) {
            this.tokens = tokens;
        }

        @Override
        public long getAsLong() {
            asked.incrementAndGet();
            return tokens;
        }
    }

    private ConversationMemory.Ask ask(String thread, JsonNode metadata, String memoryHeader, String userTurn, Prompt prompt) {
        return new ConversationMemory.Ask(ws, thread, metadata, memoryHeader, () -> userTurn, "some-model", null, prompt);
    }

    /** Stores one exchange on the thread the way a finished call does. */
    private void converse(String thread, String user, String answer) {
        memory.capture(memory.prepare(ask(thread, null, "off", user, new Prompt(0))), null, "req_" + thread, answer);
    }

    @Test
    void aRequestThatNamesNoThreadHasNoMemory() {
        Prompt prompt = new Prompt(10);

        assertThat(memory.prepare(ask(null, null, "recall", "Hello", prompt))).isSameAs(Recollection.NONE);
        assertThat(memory.prepare(ask(null, json("{\"project\":\"x\"}"), null, "Hello", prompt))).isSameAs(Recollection.NONE);
        assertThat(memory.prepare(ask(null, json("{\"thread_id\":null}"), null, "Hello", prompt))).isSameAs(Recollection.NONE);
        assertThat(prompt.asked).hasValue(0);
        assertThat(service.threads(ws, null, 10)).isEmpty();
    }

    @Test
    void theThreadComesFromTheHeaderElseFromTheMetadataAndIsCreatedOnFirstUse() {
        Recollection fromHeader = memory.prepare(ask("thr-header", json("{\"thread_id\":\"thr-body\"}"), null, "Hi", new Prompt(0)));
        Recollection fromBody = memory.prepare(ask(null, json("{\"thread_id\":\"thr-body\"}"), null, "Hi", new Prompt(0)));

        assertThat(fromHeader.threadId()).isEqualTo("thr-header");
        assertThat(fromBody.threadId()).isEqualTo("thr-body");
        assertThat(fromBody.workspace()).isEqualTo(ws);
        assertThat(fromBody.userTurn()).isEqualTo("Hi");
        assertThat(fromBody.message()).as("recall is off by default").isNull();
        assertThat(service.threads(ws, null, 10)).extracting(MemoryThread::id).containsExactlyInAnyOrder("thr-header", "thr-body");
    }

    @Test
    void badThreadIdsAndMemoryHeadersAreRefusedNamingWhatIsWrong() {
        RequestException notAString = catchThrowableOfType(RequestException.class,
                () -> memory.prepare(ask(null, json("{\"thread_id\":42}"), null, "Hi", new Prompt(0))));
        assertThat(notAString.error().status()).isEqualTo(400);
        assertThat(notAString.error().code()).isEqualTo("invalid_type");
        assertThat(notAString.error().param()).isEqualTo("metadata.thread_id");

        RequestException badHeader = catchThrowableOfType(RequestException.class,
                () -> memory.prepare(ask("no spaces allowed", null, null, "Hi", new Prompt(0))));
        assertThat(badHeader.error().status()).isEqualTo(400);
        assertThat(badHeader.error().code()).isEqualTo("invalid_thread_id");
        assertThat(badHeader.error().param()).isEqualTo(ConversationMemory.THREAD_HEADER);

        RequestException badBody = catchThrowableOfType(RequestException.class,
                () -> memory.prepare(ask(null, json("{\"thread_id\":\"\"}"), null, "Hi", new Prompt(0))));
        assertThat(badBody.error().code()).isEqualTo("invalid_thread_id");
        assertThat(badBody.error().param()).isEqualTo("metadata.thread_id");

        RequestException badMemory = catchThrowableOfType(RequestException.class,
                () -> memory.prepare(ask("thr-1", null, "maybe", "Hi", new Prompt(0))));
        assertThat(badMemory.error().status()).isEqualTo(400);
        assertThat(badMemory.error().param()).isEqualTo(ConversationMemory.MEMORY_HEADER);
        assertThat(service.threads(ws, null, 10)).as("nothing created for a refused request").isEmpty();
    }

    @Test
    void aCapturedCallStoresTheUsersTurnAndTheAnswerSourcedToItsRequest() {
        Recollection recollection = memory.prepare(ask("thr-cap", null, null, "What is the capital of Peru?", new Prompt(0)));

        memory.capture(recollection, null, "req_42", "Lima.");
        memory.capture(memory.prepare(ask("thr-cap", null, null, "Thanks", new Prompt(0))), null, "req_43", "  ");
        memory.capture(Recollection.NONE, null, "req_44", "Not stored: no thread");

        List<MemoryItem> items = service.items(ws, ItemFilter.LIVE, null, 100);
        assertThat(items).extracting(MemoryItem::content).containsExactlyInAnyOrder("What is the capital of Peru?", "Lima.", "Thanks");
        assertThat(items).allSatisfy(item -> {
            assertThat(item.kind()).isEqualTo(ItemKind.MESSAGE);
            assertThat(item.threadId()).isEqualTo("thr-cap");
        });
        MemoryItem question = items.stream().filter(i -> i.content().startsWith("What")).findFirst().orElseThrow();
        MemoryItem answer = items.stream().filter(i -> i.content().equals("Lima.")).findFirst().orElseThrow();
        assertThat(question.source()).isEqualTo("req_42");
        assertThat(ConversationMemory.role(question)).isEqualTo("user");
        assertThat(ConversationMemory.role(answer)).isEqualTo("assistant");
        assertThat(question.occurredAt()).as("the question comes before its answer").isBefore(answer.occurredAt());
    }

    @Test
    void withRecallOffNothingIsPutIntoThePrompt() {
        converse("thr-off", "The espresso machine leaks", "Call the plumber");
        Prompt prompt = new Prompt(10);

        Recollection off = memory.prepare(ask("thr-off", null, "off", "What about the espresso machine?", prompt));

        assertThat(off.threadId()).isEqualTo("thr-off");
        assertThat(off.message()).isNull();
        assertThat(off.injectedIds()).isEmpty();
        assertThat(off.injectedTokens()).isZero();
        assertThat(prompt.asked).as("the prompt is not even measured").hasValue(0);
    }

    @Test
    void withRecallOnThePromptGetsTheThreadsRecentTurnsAndTheBestMatchingMemories() {
        converse("thr-recall", "The espresso machine leaks", "Call the plumber on Monday");
        List<MemoryItem> facts = service.addItems(ws, List.of(
                new NewItem(null, ItemKind.FACT, "The office espresso machine is a Rancilio Silvia", null, null, null, null, null, null),
                new NewItem(null, ItemKind.FACT, "Parking permits renew in March", null, null, null, null, null, null)));
        List<MemoryItem> turns = service.items(ws, ItemFilter.LIVE, null, 100).stream()
                .filter(i -> "thr-recall".equals(i.threadId())).toList();
        Prompt prompt = new Prompt(200);

        Recollection recalled = memory.prepare(ask("thr-recall", null, "recall", "Which espresso machine do we have?", prompt));

        assertThat(recalled.message()).isEqualTo(ConversationMemory.PREAMBLE + """


                Recent turns in this thread:
                [user] The espresso machine leaks
                [assistant] Call the plumber on Monday


                Relevant memories:
                - (fact) The office espresso machine is a Rancilio Silvia""");
        assertThat(recalled.injectedIds()).containsExactlyInAnyOrder(turns.get(0).id(), turns.get(1).id(), facts.getFirst().id());
        assertThat(recalled.injectedTokens()).isEqualTo(TOKENS.count(recalled.message()));
        assertThat(recalled.injectedSha256()).isEqualTo(MemoryCache.sha256Hex(recalled.message()));
        assertThat(recalled.userTurn()).isEqualTo("Which espresso machine do we have?");
        assertThat(prompt.asked).as("measured once, to size the recall").hasValue(1);
    }

    @Test
    void recallStaysWithinTheWorkspacesTokenBudgetKeepingTheNewestTurns() {
        for (int i = 1; i <= 6; i++) {
            converse("thr-budget", "Question number " + i + " about the quarterly sales figures of the northern region",
                    "Answer number " + i + " about the quarterly sales figures of the northern region");
        }
        service.updateWorkspace(ws, null, null, 120, false);

        Recollection recalled = memory.prepare(ask("thr-budget", null, "recall", "And the southern region?", new Prompt(50)));

        assertThat(recalled.injectedTokens()).isPositive().isLessThanOrEqualTo(120);
        assertThat(recalled.message()).as("the newest turns, as many as half the budget holds")
                .startsWith(ConversationMemory.PREAMBLE).contains("[assistant] Answer number 6")
                .doesNotContain("[user] Question number 3");
    }

    @Test
    void aPromptThatFillsTheModelsContextWindowLeavesNoRoomForMemory() {
        converse("thr-full", "The espresso machine leaks", "Call the plumber");
        ConversationMemory.Ask nearlyFull = new ConversationMemory.Ask(ws, "thr-full", null, "recall", () -> "The espresso machine?",
                "small-model", 200, new Prompt(790));
        ConversationMemory.Ask roomy = new ConversationMemory.Ask(ws, "thr-full", null, "recall", () -> "The espresso machine?",
                "small-model", 200, new Prompt(500));

        Recollection full = memory.prepare(nearlyFull);
        Recollection withRoom = memory.prepare(roomy);

        assertThat(full.threadId()).isEqualTo("thr-full");
        assertThat(full.message()).as("1000 - 790 prompt - 200 answer - 16 leaves nothing").isNull();
        assertThat(full.injectedIds()).isEmpty();
        assertThat(withRoom.message()).as("the same request with room left").contains("[user] The espresso machine leaks");
        assertThat(withRoom.injectedTokens()).isLessThanOrEqualTo(1000 - 500 - 200 - 16);
    }

    @Test
    void memoryThatIsOffIgnoresEvenANamedThread() {
        ConversationMemory off = memory(Map.of("cairn.memory.enabled", "false"));

        assertThat(off.prepare(ask("thr-1", null, "recall", "Hi", new Prompt(0)))).isSameAs(Recollection.NONE);
        assertThat(service.threads(ws, null, 10)).isEmpty();
    }
}
