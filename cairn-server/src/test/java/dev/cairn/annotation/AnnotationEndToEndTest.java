package dev.cairn.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Annotation queues over requests answered by cairn/echo: claims, leases, submissions as feedback, agreement, refusals. */
class AnnotationEndToEndTest extends CairnServerTest {

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.quality.type", () -> "float");
        registry.add("cairn.feedback.metrics.quality.min", () -> "1");
        registry.add("cairn.feedback.metrics.quality.max", () -> "5");
        registry.add("cairn.feedback.metrics.tone.type", () -> "categorical");
        registry.add("cairn.feedback.metrics.tone.categories", () -> "polite,rude");
    }

    private static final String QUESTIONS = """
            [{"name":"quality","type":"rating","metric":"quality"},{"name":"better","type":"choice"},
             {"name":"order","type":"ranking"},{"name":"tone","type":"choice","metric":"tone"},{"name":"notes","type":"text"}]""";

    private String chat(String key, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","n":2,"user":"erin","messages":[{"role":"user","content":"%s"}]}""".formatted(prompt));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    private String queue(String key, String body) {
        HttpResponse<String> created = post("/v1/annotation/queues", key, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).path("id").asString();
    }

    private HttpResponse<String> claim(String queue, String key) {
        return post("/v1/annotation/queues/" + queue + "/claim", key, "");
    }

    private HttpResponse<String> submit(String queue, long item, String key, String answers) {
        return post("/v1/annotation/queues/" + queue + "/items/" + item + "/submit", key, "{\"answers\":" + answers + "}");
    }

    @Test
    void annotatorsClaimSubmitAsFeedbackAndAgree() {
        String user = createKey("ws-aq-flow");
        List<String> requests = List.of(chat(user, "one"), chat(user, "two"), chat(user, "three"));
        String id = queue(user, """
                {"name":"helpfulness","filter":{"model":"cairn/echo"},"questions":%s,"annotators_per_item":2,"lease":"5m"}"""
                .formatted(QUESTIONS));
        String alice = createKeyWithRole("ws-aq-flow", "annotator");
        String bob = createKeyWithRole("ws-aq-flow", "annotator");

        for (String annotator : List.of(alice, bob)) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> claimed = claim(id, annotator);
                assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
                JsonNode item = json(claimed);
                long number = item.path("item").asLong();
                assertThat(seen.add(number)).as("never the same item twice").isTrue();
                assertThat(item.path("request_id").asString()).isEqualTo(requests.get((int) number - 1));
                assertThat(item.path("messages").get(0).path("content").asString()).isNotBlank();
                assertThat(item.path("choices").size()).isEqualTo(2);
                assertThat(item.has("user")).as("only the content to judge").isFalse();
                assertThat(item.path("questions").size()).isEqualTo(5);
                int better = number == 1 ? 0 : 1;
                HttpResponse<String> submitted = submit(id, number, annotator, """
                        {"quality":%d,"better":%d,"order":[%d,%d],"tone":"polite","notes":"fine"}"""
                        .formatted(number + 1, better, better, 1 - better));
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
                assertThat(json(submitted).path("feedback_log_indexes").size()).as("metric, preference, preference, metric, comment")
                        .isEqualTo(5);
            }
            assertThat(claim(id, annotator).statusCode()).as("nothing left for this annotator").isEqualTo(204);
        }

        JsonNode feedback = json(get("/v1/feedback?request_id=" + requests.get(0), user)).path("data");
        assertThat(feedback.size()).isEqualTo(10);
        assertThat(feedback.findValuesAsString("kind")).contains("metric", "preference", "comment");
        assertThat(feedback.get(0).path("interaction_index").asLong())
                .isEqualTo(json(get("/v1/audit/requests/" + requests.get(0), user)).path("index").asLong());

        JsonNode queue = json(get("/v1/annotation/queues/" + id, user));
        assertThat(queue.path("progress").path("items").asLong()).isEqualTo(3);
        assertThat(queue.path("progress").path("items_done").asLong()).isEqualTo(3);
        assertThat(queue.path("progress").path("annotators").size()).isEqualTo(2);
        assertThat(queue.path("progress").path("annotators").get(0).path("submitted").asLong()).isEqualTo(3);

        JsonNode own = json(get("/v1/annotation/queues/" + id, alice));
        assertThat(own.path("progress").path("annotators").size()).as("an annotator sees its own progress").isEqualTo(1);
        assertThat(own.has("filter")).isFalse();

        JsonNode agreement = json(get("/v1/annotation/queues/" + id + "/agreement", user)).path("data");
        Map<String, JsonNode> byQuestion = new HashMap<>();
        agreement.forEach(row -> byQuestion.put(row.path("question").asString(), row));
        assertThat(byQuestion.get("quality").path("level").asString()).isEqualTo("interval");
        assertThat(byQuestion.get("quality").path("alpha").asDouble()).isEqualTo(1.0);
        assertThat(byQuestion.get("better").path("alpha").asDouble()).isEqualTo(1.0);
        assertThat(byQuestion.get("tone").path("alpha").isNull()).as("one value only: undefined").isTrue();
        assertThat(byQuestion).doesNotContainKey("notes");

        String missing = queue(user, """
                {"name":"unrated","filter":{"missing_metric":"quality"},"questions":[{"name":"q","type":"text"}]}""");
        assertThat(json(get("/v1/annotation/queues/" + missing, user)).path("progress").path("items").asLong())
                .as("all three have a quality now").isZero();
    }

    @Test
    void anExpiredLeaseReturnsTheItemAndCannotBeSubmitted() throws InterruptedException {
        String user = createKey("ws-aq-lease");
        chat(user, "only");
        String id = queue(user, """
                {"name":"short","questions":[{"name":"notes","type":"text"}],"lease":"1s"}""");
        String alice = createKeyWithRole("ws-aq-lease", "annotator");
        String bob = createKeyWithRole("ws-aq-lease", "annotator");
        assertThat(claim(id, alice).statusCode()).isEqualTo(200);
        assertThat(claim(id, bob).statusCode()).as("one annotator per item, and it is held").isEqualTo(204);
        assertRefused(submit(id, 1, bob, "{\"notes\":\"x\"}"), 409, "lease_not_held", "item");
        Thread.sleep(1300);
        assertRefused(submit(id, 1, alice, "{\"notes\":\"late\"}"), 409, "lease_not_held", "item");
        HttpResponse<String> again = claim(id, bob);
        assertThat(again.statusCode()).as("the item went back").isEqualTo(200);
        assertThat(claim(id, alice).statusCode()).as("alice had it once").isEqualTo(204);
        assertThat(submit(id, 1, bob, "{\"notes\":\"in time\"}").statusCode()).isEqualTo(200);
        assertRefused(submit(id, 1, bob, "{\"notes\":\"twice\"}"), 409, "lease_not_held", "item");
    }

    @Test
    void badRequestsNameTheFieldAndForeignQueuesDoNotExist() {
        String user = createKey("ws-aq-bad");
        chat(user, "hello");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","questions":[{"name":"q","type":"essay"}]}"""), 400, "invalid_value", "questions[0].type");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","questions":[{"name":"q","type":"rating"}]}"""), 400, "invalid_value", "questions[0].metric");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","questions":[{"name":"q","type":"rating","metric":"tone"}]}"""), 400, "invalid_value", "questions[0].metric");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","filter":{"guard_action":"explode"},"questions":[{"name":"q","type":"text"}]}"""),
                400, "invalid_value", "filter.guard_action");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","filter":{"since":"yesterday"},"questions":[{"name":"q","type":"text"}]}"""),
                400, "invalid_value", "filter.since");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","questions":[{"name":"q","type":"text"}],"lease":"forever"}"""), 400, "invalid_value", "lease");
        assertRefused(post("/v1/annotation/queues", user, """
                {"name":"x","questions":[{"name":"q","type":"text"}],"annotators_per_item":0}"""), 400, "invalid_value", "annotators_per_item");

        String id = queue(user, """
                {"name":"rated","questions":[{"name":"quality","type":"rating","metric":"quality"}]}""");
        String annotator = createKeyWithRole("ws-aq-bad", "annotator");
        assertThat(claim(id, annotator).statusCode()).isEqualTo(200);
        assertRefused(submit(id, 1, annotator, "{\"quality\":9}"), 400, "invalid_value", "answers.quality.value");
        assertRefused(submit(id, 1, annotator, "{\"quality\":\"good\"}"), 400, "invalid_value", "answers.quality");
        assertRefused(submit(id, 1, annotator, "{}"), 400, "invalid_value", "answers.quality");
        assertThat(submit(id, 1, annotator, "{\"quality\":4}").statusCode()).as("the lease survived the refusals").isEqualTo(200);

        String stranger = createKey("ws-aq-other");
        String strangerAnnotator = createKeyWithRole("ws-aq-other", "annotator");
        assertRefused(get("/v1/annotation/queues/" + id, stranger), 404, "queue_not_found", null);
        assertRefused(claim(id, strangerAnnotator), 404, "queue_not_found", null);
        assertRefused(get("/v1/annotation/queues/aq_nope", user), 404, "queue_not_found", null);
        assertRefused(get("/v1/annotation/queues/" + id + "/agreement", stranger), 404, "queue_not_found", null);
    }

    @Test
    void anAnnotatorKeyMayOnlyWorkQueues() {
        String user = createKey("ws-aq-role");
        String request = chat(user, "hi");
        String annotator = createKeyWithRole("ws-aq-role", "annotator");
        assertRefused(post("/v1/chat/completions", annotator, """
                {"model":"cairn/echo","messages":[{"role":"user","content":"hi"}]}"""), 403, "user_key_required", null);
        assertRefused(get("/v1/models", annotator), 403, "user_key_required", null);
        assertRefused(get("/v1/audit/entries", annotator), 403, "user_key_required", null);
        assertRefused(get("/v1/audit/requests/" + request, annotator), 403, "user_key_required", null);
        assertRefused(get("/v1/feedback?request_id=" + request, annotator), 403, "user_key_required", null);
        assertRefused(post("/v1/feedback", annotator, "{\"request_id\":\"" + request + "\",\"comment\":\"x\"}"), 403, "user_key_required", null);
        assertRefused(get("/admin/keys", annotator), 403, "admin_key_required", null);
        assertRefused(post("/v1/annotation/queues", annotator, """
                {"name":"x","questions":[{"name":"q","type":"text"}]}"""), 403, "user_key_required", null);
        String id = queue(user, """
                {"name":"mine","questions":[{"name":"q","type":"text"}]}""");
        assertRefused(get("/v1/annotation/queues/" + id + "/agreement", annotator), 403, "user_key_required", null);
        assertThat(get("/v1/annotation/queues/" + id, annotator).statusCode()).isEqualTo(200);
        assertThat(claim(id, annotator).statusCode()).isEqualTo(200);
        JsonNode key = json(get("/admin/keys?workspace=ws-aq-role", ADMIN_KEY)).path("data");
        assertThat(key.findValuesAsString("role")).contains("annotator", "user");
    }

    @Test
    void thirtyTwoConcurrentClaimersNeverExceedAnItemsQuota() throws Exception {
        String user = createKey("ws-aq-race");
        for (int i = 0; i < 6; i++) {
            chat(user, "race " + i);
        }
        int perItem = 3;
        String id = queue(user, """
                {"name":"race","questions":[{"name":"q","type":"text"}],"annotators_per_item":%d}""".formatted(perItem));
        List<String> annotators = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            annotators.add(createKeyWithRole("ws-aq-race", "annotator"));
        }
        List<String> handed = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> threads = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            int annotator = t % annotators.size(); // four threads per key: one key racing itself too
            threads.add(pool.submit(() -> {
                start.await();
                while (true) {
                    HttpResponse<String> claimed = claim(id, annotators.get(annotator));
                    if (claimed.statusCode() == 204) {
                        return null;
                    }
                    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
                    handed.add(annotator + ":" + json(claimed).path("item").asLong());
                }
            }));
        }
        start.countDown();
        for (Future<?> thread : threads) {
            thread.get();
        }
        pool.shutdown();
        assertThat(new HashSet<>(handed)).as("no annotator got an item twice").hasSameSizeAs(handed);
        Map<String, Integer> perItemCount = new HashMap<>();
        handed.forEach(h -> perItemCount.merge(h.substring(h.indexOf(':') + 1), 1, Integer::sum));
        assertThat(perItemCount).hasSize(6);
        assertThat(perItemCount.values()).as("each item exactly at its quota").allMatch(n -> n == perItem);
    }
}
