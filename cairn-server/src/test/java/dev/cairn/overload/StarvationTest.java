package dev.cairn.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.ServerDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Cairn starved of database and CPU while clients push: a SQLite file whose write lock another
 * connection holds for stretches, request connections held by someone else, a thread spinning on
 * one of the two cores, and clients (the official OpenAI SDK, no retries) sending chats that name a thread,
 * half of them streamed, at more requests than the door lets in. Afterwards every request that was
 * answered (200, a stream to its end without an error event) has its usage row, its audit entry and
 * its two stored turns, looked up at once, without waiting for any writer; every other one was
 * refused (503 overloaded, 429) or failed in the open with a 503 of its own. Nothing is dropped in
 * silence: the tally says so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "cairn.overload.limit=fixed", "cairn.overload.max-in-flight=4", "cairn.overload.min-in-flight=1",
        "cairn.overload.initial-in-flight=4", "cairn.db.pool-size=3", "cairn.jobs.workers=0"})
class StarvationTest {

    private static final Path DATA_DIR = ServerDataDir.create("cairn-starved");
    private static final String ADMIN_KEY = CairnServerTest.randomKey();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long LOAD_MILLIS = 15_000;
    private static final int CLIENTS = 12;

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) {
        registry.add("cairn.data-dir", DATA_DIR::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    /** One request as its client saw it. */
    private record Outcome(String requestId, String traceId, int status, String code, boolean stream) {
    }

    @Test
    void everyAnsweredRequestHasItsRecordsAndTheRestWereRefusedInTheOpen() throws Exception {
        String key = createKey();
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key)
                .maxRetries(0).build();
        AtomicBoolean loaded = new AtomicBoolean(true);
        List<Thread> pressure = new ArrayList<>();
        pressure.add(Thread.ofPlatform().name("hold-write-lock").start(() -> holdTheWriteLock(loaded)));
        pressure.add(Thread.ofPlatform().name("hold-connections").start(() -> holdConnections(loaded)));
        pressure.add(Thread.ofPlatform().name("spin").start(() -> spin(loaded)));
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int clientNumber = c;
            clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    outcomes.add(send(client, "thr-starved-" + clientNumber, n % 2 == 1, "Turn " + n + " of client " + clientNumber));
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        String readiness = get("/health/ready");
        loaded.set(false);
        for (Thread t : pressure) {
            t.join();
        }

        Map<String, AtomicInteger> tally = new ConcurrentHashMap<>();
        List<Outcome> answered = new ArrayList<>();
        for (Outcome o : outcomes) {
            tally.computeIfAbsent(o.status() + " " + o.code(), k -> new AtomicInteger()).incrementAndGet();
            if (o.status() == 200) {
                answered.add(o);
            }
        }
        System.out.println("Starvation tally: " + tally + " of " + outcomes.size() + " requests in " + LOAD_MILLIS + " ms");
        // Looked up at once: an answered request waited for its records, so they are all in.
        int missingUsage = 0;
        int missingAudit = 0;
        int missingTurns = 0;
        for (Outcome o : answered) {
            if (jdbc.sql("SELECT COUNT(*) FROM usage_events WHERE trace_id = ? AND status = 200").param(o.traceId())
                    .query(Integer.class).single() != 1) {
                missingUsage++;
            }
            if (jdbc.sql("SELECT COUNT(*) FROM audit_entries WHERE event_id = ?").param(o.requestId())
                    .query(Integer.class).single() != 1) {
                missingAudit++;
            }
            if (jdbc.sql("SELECT COUNT(*) FROM memory_items WHERE source = ?").param(o.requestId())
                    .query(Integer.class).single() != 2) {
                missingTurns++;
            }
        }
        System.out.println("Starvation check: " + answered.size() + " answered; missing usage " + missingUsage
                + ", audit " + missingAudit + ", turns " + missingTurns);
        assertThat(answered).as("some requests were answered under starvation").isNotEmpty();
        assertThat(missingUsage).as("answered requests without their usage row").isZero();
        assertThat(missingAudit).as("answered requests without their audit entry").isZero();
        assertThat(missingTurns).as("answered requests without their two turns").isZero();
        // Everything else was refused or failed in the open: a 503 or 429 with its code, nothing else.
        assertThat(outcomes).filteredOn(o -> o.status() != 200)
                .allSatisfy(o -> assertThat(o.status()).as(o.toString()).isIn(503, 429));
        assertThat(outcomes).filteredOn(o -> o.status() == 503 && "overloaded".equals(o.code()))
                .as("the door shed some of the load").isNotEmpty();
        assertThat(readiness).contains("\"overload\":{\"status\":\"DEGRADED\"").contains("\"overloaded\":\"true\"");
        String metrics = get("/metrics");
        assertThat(metrics).containsPattern("cairn_overload_shed_total\\{reason=\"in_flight\"} [1-9]");
    }

    /** One chat on a thread, streamed or not; its status as the client saw it (a stream's error event counts as its status). */
    private static Outcome send(OpenAIClient client, String thread, boolean stream, String text) {
        String traceId = randomHex(32);
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("cairn/echo").addUserMessage(text)
                .putAdditionalHeader("Cairn-Thread", thread)
                .putAdditionalHeader("traceparent", "00-" + traceId + "-" + randomHex(16) + "-01").build();
        String requestId = null;
        try {
            if (stream) {
                try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw = client.chat().completions().withRawResponse()
                        .createStreaming(params)) {
                    requestId = raw.headers().values("Cairn-Request-Id").getFirst();
                    try (StreamResponse<ChatCompletionChunk> chunks = raw.parse()) {
                        chunks.stream().forEach(chunk -> { });
                    }
                }
            } else {
                HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params);
                requestId = raw.headers().values("Cairn-Request-Id").getFirst();
                raw.parse();
            }
            return new Outcome(requestId, traceId, 200, null, stream);
        } catch (OpenAIServiceException e) {
            String code = e.code().orElse(null);
            // A stream's error event arrives after its 200: the client was not answered.
            return new Outcome(requestId, traceId, e.statusCode() == 200 ? 503 : e.statusCode(), code, stream);
        } catch (com.openai.errors.OpenAIException e) {
            // The connection failed: not an answer, and not a refusal either; the assertions name it.
            return new Outcome(requestId, traceId, -1, e.getClass().getSimpleName(), stream);
        }
    }

    /** Another connection takes SQLite's write lock for 100 ms of every 150: every commit waits for it. */
    private void holdTheWriteLock(AtomicBoolean loaded) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + DATA_DIR.resolve("cairn.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            while (loaded.get()) {
                statement.execute("BEGIN IMMEDIATE");
                Thread.sleep(100);
                statement.execute("COMMIT");
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Requests' connections taken from their pool for stretches, as slow requests would. */
    private void holdConnections(AtomicBoolean loaded) {
        while (loaded.get()) {
            try (Connection a = dataSource.getConnection(); Connection b = dataSource.getConnection()) {
                Thread.sleep(300);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
    }

    private static void spin(AtomicBoolean loaded) {
        long x = 0;
        while (loaded.get()) {
            x += ThreadLocalRandom.current().nextInt();
        }
        if (x == 42) {
            System.out.println();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String randomHex(int length) {
        StringBuilder hex = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            hex.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
        }
        return hex.toString();
    }

    private String createKey() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/keys"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"workspace\":\"starved\",\"name\":\"load\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body().replaceAll("(?s).*\"secret\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    private String get(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET()
                .header("Authorization", "Bearer " + ADMIN_KEY);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
