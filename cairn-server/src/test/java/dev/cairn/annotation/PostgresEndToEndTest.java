package dev.cairn.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import dev.cairn.platform.JsonBodies;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.TestDatabases;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole server on PostgreSQL, through the paths of feedback, annotation queues and datasets
 * that SQLite alone would leave untried: feedback given and read back (a preference among them),
 * a queue claimed and submitted (the row locks), a dataset built and exported. The server gets a
 * schema of its own, dropped when the JVM ends (after Spring has closed the server, which the
 * context's dirtying does as soon as this class is done).
 */
@DirtiesContext
class PostgresEndToEndTest extends CairnServerTest {

    private static final String SCHEMA = "cairn_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
            c.createStatement().execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is required for this test and is not reachable at "
                    + TestDatabases.POSTGRES_URL + " (set CAIRN_TEST_POSTGRES_URL): " + e.getMessage(), e);
        }
        SpringApplication.getShutdownHandlers().add(PostgresEndToEndTest::dropSchema);
        String url = TestDatabases.POSTGRES_URL;
        registry.add("cairn.db.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        registry.add("cairn.db.pool-size", () -> "8");
        registry.add("cairn.feedback.metrics.quality.type", () -> "float");
        registry.add("cairn.feedback.metrics.quality.min", () -> "1");
        registry.add("cairn.feedback.metrics.quality.max", () -> "5");
    }

    private static void dropSchema() {
        try (Connection c = DriverManager.getConnection(TestDatabases.POSTGRES_URL)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String chat(String key, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","n":2,"messages":[{"role":"user","content":"%s"}]}""".formatted(prompt));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    @Test
    void feedbackAQueueAndADatasetRunOnPostgresql() throws InterruptedException {
        String user = createKey("ws-pg");
        String first = chat(user, "What is 2+2?");

        HttpResponse<String> given = post("/v1/feedback", user, """
                {"feedback":[{"request_id":"%s","metric":"quality","value":4},
                             {"request_id":"%s","chosen_choice":1,"rejected_choice":0,"rationale":"clearer"},
                             {"request_id":"%s","comment":"terse"}]}""".formatted(first, first, first));
        assertThat(given.statusCode()).as(given.body()).isEqualTo(200);
        JsonNode read = json(get("/v1/feedback?request_id=" + first, user));
        assertThat(read.path("data").findValuesAsString("kind")).containsExactly("metric", "preference", "comment");
        assertThat(read.path("data").get(1).path("chosen_choice").asInt()).isEqualTo(1);

        HttpResponse<String> created = post("/v1/annotation/queues", user, """
                {"name":"pg","questions":[{"name":"quality","type":"rating","metric":"quality"},{"name":"better","type":"choice"}],
                 "annotators_per_item":2}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String queue = json(created).path("id").asString();
        String second = chat(user, "And 3+3?"); // logged after the queue: taken in by a claim
        String alice = createKeyWithRole("ws-pg", "annotator");
        String bob = createKeyWithRole("ws-pg", "annotator");
        for (String annotator : new String[] {alice, bob}) {
            for (int item = 1; item <= 2; item++) {
                HttpResponse<String> claimed = post("/v1/annotation/queues/" + queue + "/claim", annotator, "");
                assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
                assertThat(json(claimed).path("item").asLong()).isEqualTo(item);
                assertThat(json(claimed).path("request_id").asString()).isEqualTo(item == 1 ? first : second);
                HttpResponse<String> submitted = post("/v1/annotation/queues/" + queue + "/items/" + item + "/submit", annotator,
                        "{\"answers\":{\"quality\":5,\"better\":1}}");
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            }
            assertThat(post("/v1/annotation/queues/" + queue + "/claim", annotator, "").statusCode()).isEqualTo(204);
        }
        JsonNode progress = json(get("/v1/annotation/queues/" + queue, user)).path("progress");
        assertThat(progress.path("items").asLong()).isEqualTo(2);
        assertThat(progress.path("items_done").asLong()).isEqualTo(2);
        assertThat(json(get("/v1/annotation/queues/" + queue + "/agreement", user)).path("data").get(0).path("alpha").isNull())
                .as("everyone gave 5: alpha undefined").isTrue();
        assertThat(json(get("/v1/annotation/queues", user)).path("data").findValuesAsString("id")).containsExactly(queue);

        HttpResponse<String> built = post("/v1/datasets", user, "{\"filter\":{\"model\":\"cairn/echo\",\"metric\":\"quality\",\"min\":4}}");
        assertThat(built.statusCode()).as(built.body()).isIn(200, 202);
        String dataset = json(built).path("id").asString();
        JsonNode description = json(built);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"built".equals(description.path("state").asString()) && System.nanoTime() < deadline) {
            assertThat(description.path("state").asString()).as(description.toString()).isNotEqualTo("failed");
            Thread.sleep(100);
            description = json(get("/v1/datasets/" + dataset, user));
        }
        assertThat(description.path("state").asString()).as(description.toString()).isEqualTo("built");
        assertThat(description.path("rows").asLong()).isEqualTo(2);

        HttpResponse<String> export = get("/v1/datasets/" + dataset + "/export", user);
        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        String[] lines = export.body().strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode row = JsonBodies.JSON.readTree(lines[0]);
        assertThat(row.path("request_id").asString()).isEqualTo(first);
        assertThat(row.path("feedback").findValuesAsString("kind")).contains("metric", "preference", "comment");
        HttpResponse<String> sft = get("/v1/datasets/" + dataset + "/export?format=openai-sft", user);
        assertThat(sft.statusCode()).as(sft.body()).isEqualTo(200);
        assertThat(sft.body().strip().split("\n")).hasSize(2);
    }
}
