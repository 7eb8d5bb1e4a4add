package dev.cairn.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Feedback of every kind on requests answered by cairn/echo: recorded as audit entries, read back, refused when wrong. */
class FeedbackEndToEndTest extends CairnServerTest {

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.helpful.type", () -> "boolean");
        registry.add("cairn.feedback.metrics.score.type", () -> "float");
        registry.add("cairn.feedback.metrics.score.min", () -> "0");
        registry.add("cairn.feedback.metrics.score.max", () -> "1");
        registry.add("cairn.feedback.metrics.tone.type", () -> "categorical");
        registry.add("cairn.feedback.metrics.tone.categories", () -> "polite,rude");
        registry.add("cairn.feedback.metrics.resolved.type", () -> "boolean");
        registry.add("cairn.feedback.metrics.resolved.level", () -> "thread");
        registry.add("cairn.feedback.metrics.elsewhere.type", () -> "boolean");
        registry.add("cairn.feedback.metrics.elsewhere.workspaces", () -> "ws-not-this-one");
    }

    private String chat(String key, String prompt, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"cairn/echo","n":2,"user":"carol","messages":[{"role":"user","content":"%s"}]}""".formatted(prompt)));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    private HttpResponse<String> feedback(String key, String body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/feedback")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    @Test
    void everyKindIsAnAuditEntryCitingTheInteractionWithItsTextSealed() {
        String key = createKey("ws-fb-kinds");
        String first = chat(key, "what is 2+2?");
        String second = chat(key, "what is 2+2?");
        long firstIndex = json(get("/v1/audit/requests/" + first, key)).path("index").asLong();
        long secondIndex = json(get("/v1/audit/requests/" + second, key)).path("index").asLong();

        HttpResponse<String> posted = feedback(key, """
                {"feedback":[
                  {"request_id":"%1$s","metric":"helpful","value":true},
                  {"request_id":"%1$s","metric":"score","value":0.75,"end_user":"dave@example.com"},
                  {"request_id":"%1$s","metric":"tone","value":"polite"},
                  {"request_id":"%1$s","comment":"secret remark about carol"},
                  {"request_id":"%1$s","demonstration":{"role":"assistant","content":"corrected: four"}},
                  {"request_id":"%1$s","chosen_choice":1,"rejected_choice":0,"rationale":"choice one is kinder"},
                  {"chosen_request_id":"%2$s","rejected_request_id":"%1$s"}
                ]}""".formatted(first, second), null);

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        JsonNode data = json(posted).path("data");
        assertThat(data.size()).isEqualTo(7);
        assertThat(data.findValuesAsString("kind")).containsExactly("metric", "metric", "metric", "comment",
                "demonstration", "preference", "preference");
        long previous = -1;
        for (JsonNode item : data) {
            assertThat(item.path("id").asString()).startsWith("fb_");
            assertThat(item.path("object").asString()).isEqualTo("feedback");
            assertThat(item.path("log_index").asLong()).as("in order").isGreaterThan(previous);
            previous = item.path("log_index").asLong();
        }
        assertThat(data.get(0).path("interaction_index").asLong()).isEqualTo(firstIndex);
        assertThat(data.get(6).path("interaction_index").asLong()).isEqualTo(secondIndex);

        JsonNode comment = json(get("/v1/audit/requests/" + data.get(3).path("id").asString(), key));
        assertThat(comment.path("entry").path("type").asString()).isEqualTo("feedback.comment");
        assertThat(comment.path("entry").path("data").path("interaction_index").asLong()).isEqualTo(firstIndex);
        assertThat(comment.path("entry").path("data").path("given_by").path("key_id").asString()).startsWith("key_");
        String canonical = new String(Base64.getDecoder().decode(comment.path("entry_canonical").asString()), StandardCharsets.UTF_8);
        assertThat(canonical).doesNotContain("secret remark");
        assertThat(comment.path("content").path("comment").asString()).isEqualTo("secret remark about carol");
        JsonNode cited = json(get("/v1/audit/requests/" + first, key)).path("entry");
        assertThat(comment.path("entry").path("subject").asString()).as("sealed under the interaction's subject")
                .isEqualTo(cited.path("subject").asString());
        JsonNode scored = json(get("/v1/audit/requests/" + data.get(1).path("id").asString(), key));
        String scoredCanonical = new String(Base64.getDecoder().decode(scored.path("entry_canonical").asString()), StandardCharsets.UTF_8);
        assertThat(scoredCanonical).doesNotContain("dave@example.com");
        JsonNode betweenRequests = json(get("/v1/audit/requests/" + data.get(6).path("id").asString(), key)).path("entry").path("data");
        assertThat(betweenRequests.path("rejected_index").asLong()).isEqualTo(firstIndex);

        JsonNode read = json(get("/v1/feedback?request_id=" + first, key)).path("data");
        assertThat(read.size()).as("all seven name the first request").isEqualTo(7);
        assertThat(read.get(1).path("value").asDouble()).isEqualTo(0.75);
        assertThat(read.get(1).path("given_by").path("end_user").asString()).isEqualTo("dave@example.com");
        assertThat(read.get(3).path("comment").asString()).isEqualTo("secret remark about carol");
        assertThat(read.get(4).path("demonstration").path("content").asString()).isEqualTo("corrected: four");
        assertThat(read.get(5).path("rationale").asString()).isEqualTo("choice one is kinder");
        assertThat(read.get(5).path("chosen_choice").asInt()).isEqualTo(1);
        assertThat(json(get("/v1/feedback?request_id=" + second, key)).path("data").size()).isEqualTo(1);
    }

    @Test
    void erasingTheInteractionsSubjectErasesTheFeedbacksTextButNotItsValue() {
        String key = createKey("ws-fb-erase");
        String request = chat(key, "forget me");
        assertThat(feedback(key, """
                {"feedback":[{"request_id":"%1$s","comment":"about carol"},{"request_id":"%1$s","metric":"helpful","value":false}]}"""
                .formatted(request), null).statusCode()).isEqualTo(200);

        assertThat(post("/v1/audit/subjects/carol/erase?workspace=ws-fb-erase", ADMIN_KEY, "").statusCode()).isEqualTo(200);

        JsonNode read = json(get("/v1/feedback?request_id=" + request, key)).path("data");
        assertThat(read.get(0).path("content_state").asString()).isEqualTo("erased");
        assertThat(read.get(0).has("comment")).isFalse();
        assertThat(read.get(1).path("value").asBoolean(true)).isFalse();
    }

    @Test
    void aReplayedIdempotencyKeyReturnsTheFirstResponseAndRecordsNothingMore() {
        String key = createKey("ws-fb-idem");
        String request = chat(key, "idempotent");
        String body = """
                {"request_id":"%s","comment":"only once"}""".formatted(request);

        HttpResponse<String> first = feedback(key, body, "retry-1");
        HttpResponse<String> again = feedback(key, body, "retry-1");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(json(get("/v1/feedback?request_id=" + request, key)).path("data").size()).isEqualTo(1);
        assertRefused(feedback(key, body.replace("once", "twice"), "retry-1"), 422, "idempotency_key_reused", "Idempotency-Key");
        // Keys are per workspace: another workspace's same key is its own.
        String other = createKey("ws-fb-idem-2");
        String otherRequest = chat(other, "idempotent");
        HttpResponse<String> elsewhere = feedback(other, """
                {"request_id":"%s","comment":"only once"}""".formatted(otherRequest), "retry-1");
        assertThat(elsewhere.statusCode()).isEqualTo(200);
        assertThat(elsewhere.body()).isNotEqualTo(first.body());
    }

    @Test
    void concurrentSingleItemsAreEachReadableOnceAnsweredAndReplayTheirOwnResponse() throws Exception {
        String key = createKey("ws-fb-concurrent");
        String request = chat(key, "rated by many");
        int clients = 24;
        String[] bodies = new String[clients];
        HttpResponse<?>[] answers = new HttpResponse<?>[clients];
        boolean[] listedOnceAnswered = new boolean[clients];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int n = i;
            bodies[n] = """
                    {"request_id":"%s","metric":"score","value":%s}""".formatted(request, n / 100.0);
            threads.add(Thread.ofVirtual().start(() -> {
                HttpResponse<String> answer = feedback(key, bodies[n], "many-" + n);
                answers[n] = answer;
                // Read your writes: once answered, the item is listed.
                listedOnceAnswered[n] = answer.statusCode() == 200
                        && json(get("/v1/feedback?request_id=" + request, key)).path("data").findValuesAsString("id")
                                .contains(json(answer).path("data").get(0).path("id").asString());
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        for (int n = 0; n < clients; n++) {
            assertThat(answers[n].statusCode()).as(String.valueOf(answers[n].body())).isEqualTo(200);
            assertThat(listedOnceAnswered[n]).as("item %d listed once answered", n).isTrue();
            assertThat(feedback(key, bodies[n], "many-" + n).body()).as("a replay gets its own first answer")
                    .isEqualTo(answers[n].body());
        }
        assertThat(json(get("/v1/feedback?request_id=" + request, key)).path("data").size()).isEqualTo(clients);
    }

    @Test
    void aFailedRequestLeavesItsIdempotencyKeyFree() {
        String key = createKey("ws-fb-idem-fail");
        String request = chat(key, "fail first");
        assertRefused(feedback(key, """
                {"request_id":"%s","metric":"score","value":7}""".formatted(request), "k-1"), 400, "invalid_value", "value");
        HttpResponse<String> fixed = feedback(key, """
                {"request_id":"%s","metric":"score","value":0.5}""".formatted(request), "k-1");
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
    }

    @Test
    void aThreadLevelMetricNeedsAThreadAndRecordsIt() {
        String key = createKey("ws-fb-thread");
        String inThread = chat(key, "in a thread", "Cairn-Thread", "thr-feedback-1");
        String alone = chat(key, "alone");
        try {
            HttpResponse<String> posted = feedback(key, """
                    {"request_id":"%s","metric":"resolved","value":true}""".formatted(inThread), null);
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            JsonNode entry = json(get("/v1/audit/requests/" + json(posted).path("data").get(0).path("id").asString(), key))
                    .path("entry").path("data");
            assertThat(entry.path("level").asString()).isEqualTo("thread");
            assertThat(entry.path("thread_id").asString()).isEqualTo("thr-feedback-1");
            assertRefused(feedback(key, """
                    {"request_id":"%s","metric":"resolved","value":true}""".formatted(alone), null), 400, "not_in_thread", "request_id");
        } finally {
            send(HttpRequest.newBuilder(URI.create(url("/v1/memory/threads/thr-feedback-1")))
                    .header("Authorization", "Bearer " + key).DELETE().build());
        }
    }

    @Test
    void badInputIsRefusedInTheOpenAiShapeAndABatchRecordsAllOrNothing() {
        String key = createKey("ws-fb-bad");
        String otherKey = createKey("ws-fb-bad-other");
        String mine = chat(key, "mine");
        String same = chat(key, "mine");
        String different = chat(key, "something else");
        String theirs = chat(otherKey, "mine");

        HttpResponse<String> unknown = feedback(key, """
                {"request_id":"req_nope","comment":"x"}""", null);
        HttpResponse<String> foreign = feedback(key, """
                {"request_id":"%s","comment":"x"}""".formatted(theirs), null);
        assertRefused(unknown, 404, "request_not_found", "request_id");
        assertRefused(foreign, 404, "request_not_found", "request_id");
        assertThat(json(foreign).path("error").path("message").asString())
                .isEqualTo(json(unknown).path("error").path("message").asString().replace("req_nope", theirs));
        assertRefused(get("/v1/feedback?request_id=" + theirs, key), 404, "request_not_found", "request_id");

        assertRefused(feedback(key, """
                {"feedback":[{"request_id":"%1$s","comment":"fine"},{"request_id":"%1$s","metric":"helpful","value":true},
                 {"request_id":"%1$s","metric":"score","value":1.5}]}""".formatted(mine), null), 400, "invalid_value", "feedback[2].value");
        assertThat(json(get("/v1/feedback?request_id=" + mine, key)).path("data").size()).as("nothing of the batch").isZero();
        assertRefused(feedback(key, """
                {"request_id":"%s","metric":"helpful","value":"yes"}""".formatted(mine), null), 400, "invalid_value", "value");
        assertRefused(feedback(key, """
                {"request_id":"%s","metric":"tone","value":"grumpy"}""".formatted(mine), null), 400, "invalid_value", "value");
        assertRefused(feedback(key, """
                {"request_id":"%s","metric":"nonesuch","value":1}""".formatted(mine), null), 400, "unknown_metric", "metric");
        assertRefused(feedback(key, """
                {"request_id":"%s","metric":"elsewhere","value":true}""".formatted(mine), null), 400, "unknown_metric", "metric");
        assertRefused(feedback(key, """
                {"chosen_request_id":"%s","rejected_request_id":"%s"}""".formatted(mine, theirs), null),
                400, "cross_workspace_preference", "rejected_request_id");
        assertRefused(feedback(key, """
                {"chosen_request_id":"%s","rejected_request_id":"%s"}""".formatted(mine, different), null),
                400, "different_prompts", "rejected_request_id");
        assertRefused(feedback(key, """
                {"request_id":"%s","chosen_choice":0,"rejected_choice":2}""".formatted(mine), null),
                400, "invalid_value", "rejected_choice");
        assertRefused(feedback(key, """
                {"request_id":"%s","comment":"x","colour":"red"}""".formatted(mine), null), 400, "unknown_parameter", "colour");
        assertRefused(feedback(key, """
                {"request_id":"%s","comment":42}""".formatted(mine), null), 400, "invalid_type", "comment");
        assertRefused(feedback(key, """
                {"request_id":"%s"}""".formatted(mine), null), 400, "invalid_feedback", null);
        assertRefused(feedback(key, "{not json", null), 400, "invalid_json", null);
        assertRefused(feedback(key, "[]", null), 400, "invalid_json", null);
        assertRefused(feedback(key, "{\"feedback\":[]}", null), 400, "invalid_type", "feedback");
        assertRefused(feedback(key, "{\"feedback\":[{\"request_id\":\"%s\",\"comment\":\"%s\"}]}"
                .formatted(mine, "x".repeat(70_000)), null), 413, "request_too_large", null);
        assertRefused(get("/v1/feedback", key), 400, "missing_required_parameter", "request_id");
        assertThat(json(get("/v1/feedback?request_id=" + mine, key)).path("data").size()).isZero();

        HttpResponse<String> good = feedback(key, """
                {"chosen_request_id":"%s","rejected_request_id":"%s","rationale":"shorter"}""".formatted(same, mine), null);
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    }

    @Test
    void adminsSetMetricsPerWorkspaceOverTheConfiguredOnes() {
        String key = createKey("ws-fb-admin");
        String request = chat(key, "rate me");
        String path = "/admin/feedback/metrics/ws-fb-admin/stars";
        try {
            assertRefused(feedback(key, """
                    {"request_id":"%s","metric":"stars","value":4}""".formatted(request), null), 400, "unknown_metric", "metric");
            assertThat(put(path, key, "{\"type\":\"float\",\"min\":1,\"max\":5}").statusCode()).as("admin keys only").isEqualTo(403);
            assertRefused(put(path, ADMIN_KEY, "{\"type\":\"float\",\"min\":5,\"max\":1}"), 400, "invalid_value", null);
            assertRefused(put(path, ADMIN_KEY, "{\"type\":\"stars\"}"), 400, "invalid_value", "type");
            assertRefused(put(path, ADMIN_KEY, "{\"type\":\"float\",\"colour\":1}"), 400, "unknown_parameter", "colour");
            HttpResponse<String> set = put(path, ADMIN_KEY, "{\"type\":\"float\",\"min\":1,\"max\":5}");
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
            assertThat(json(get(path, ADMIN_KEY)).path("max").asDouble()).isEqualTo(5.0);
            assertThat(json(get("/admin/feedback/metrics/ws-fb-admin", ADMIN_KEY)).path("data").findValuesAsString("name"))
                    .contains("stars", "helpful").doesNotContain("elsewhere");

            assertThat(feedback(key, """
                    {"request_id":"%s","metric":"stars","value":4}""".formatted(request), null).statusCode()).isEqualTo(200);
            assertRefused(feedback(key, """
                    {"request_id":"%s","metric":"stars","value":6}""".formatted(request), null), 400, "invalid_value", "value");
            // A stored metric replaces the configured one of its name, for its workspace only.
            assertThat(put("/admin/feedback/metrics/ws-fb-admin/helpful", ADMIN_KEY,
                    "{\"type\":\"categorical\",\"categories\":[\"yes\",\"no\"]}").statusCode()).isEqualTo(200);
            assertRefused(feedback(key, """
                    {"request_id":"%s","metric":"helpful","value":true}""".formatted(request), null), 400, "invalid_value", "value");
            assertThat(json(get("/v1/audit/entries?type=admin.feedback.metric.set&workspace=ws-fb-admin", ADMIN_KEY))
                    .path("data").size()).isEqualTo(2);
        } finally {
            delete(path);
            JsonNode restored = json(delete("/admin/feedback/metrics/ws-fb-admin/helpful"));
            assertThat(restored.path("in_force").path("type").asString()).as("the configured one again").isEqualTo("boolean");
        }
        assertThat(get(path, ADMIN_KEY).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> put(String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + ADMIN_KEY).DELETE().build());
    }
}
