package dev.cairn.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Managing queues through the server: listing a page at a time, changing one, pausing and archiving
 * it, interactions logged after its creation becoming items, and the refusals of all that.
 */
class AnnotationQueueManagementTest extends CairnServerTest {

    private String chat(String key, String model, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"%s","messages":[{"role":"user","content":"%s"}]}""".formatted(model, prompt));
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

    private HttpResponse<String> patch(String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> delete(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key).DELETE().build());
    }

    @Test
    void queuesListNewestFirstAPageAtATime() {
        String user = createKey("ws-aqm-list");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(queue(user, """
                    {"name":"q%d","questions":[{"name":"q","type":"text"}]}""".formatted(i)));
        }
        JsonNode first = json(get("/v1/annotation/queues?limit=2", user));
        assertThat(first.path("object").asString()).isEqualTo("list");
        assertThat(first.path("data").findValuesAsString("id")).containsExactly(ids.get(4), ids.get(3));
        assertThat(first.path("first_id").asString()).isEqualTo(ids.get(4));
        assertThat(first.path("last_id").asString()).isEqualTo(ids.get(3));
        assertThat(first.path("has_more").asBoolean()).isTrue();
        assertThat(first.path("data").get(0).path("progress").path("items").asLong()).isZero();

        JsonNode second = json(get("/v1/annotation/queues?limit=2&after=" + first.path("next_after").asString(), user));
        assertThat(second.path("data").findValuesAsString("id")).containsExactly(ids.get(2), ids.get(1));
        JsonNode last = json(get("/v1/annotation/queues?limit=2&after=" + second.path("next_after").asString(), user));
        assertThat(last.path("data").findValuesAsString("id")).containsExactly(ids.get(0));
        assertThat(last.path("has_more").asBoolean()).isFalse();
        assertThat(last.path("next_after").isNull()).isTrue();

        assertThat(json(get("/v1/annotation/queues", createKey("ws-aqm-list-other"))).path("data").size())
                .as("another workspace's queues are not listed").isZero();
    }

    @Test
    void aPatchChangesWhatItNamesAndAPausedQueueHandsOutNothing() {
        String user = createKey("ws-aqm-patch");
        chat(user, "cairn/echo", "one");
        String id = queue(user, """
                {"name":"first","description":"for the team","questions":[{"name":"q","type":"text"}]}""");
        HttpResponse<String> changed = patch("/v1/annotation/queues/" + id, user, """
                {"name":"renamed","instructions":"Judge the answer only.","annotators_per_item":2,"lease":"90s","state":"paused"}""");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        JsonNode queue = json(changed);
        assertThat(queue.path("name").asString()).isEqualTo("renamed");
        assertThat(queue.path("description").asString()).as("not named, kept").isEqualTo("for the team");
        assertThat(queue.path("instructions").asString()).isEqualTo("Judge the answer only.");
        assertThat(queue.path("annotators_per_item").asInt()).isEqualTo(2);
        assertThat(queue.path("lease").asString()).isEqualTo("90s");
        assertThat(queue.path("state").asString()).isEqualTo("paused");
        assertThat(queue.path("updated_at").asString()).isNotBlank();
        assertThat(json(get("/v1/annotation/queues/" + id, user)).path("name").asString()).isEqualTo("renamed");

        String annotator = createKeyWithRole("ws-aqm-patch", "annotator");
        assertThat(claim(id, annotator).statusCode()).as("paused: nothing handed out").isEqualTo(204);
        assertThat(patch("/v1/annotation/queues/" + id, user, "{\"state\":\"active\",\"description\":null}").statusCode()).isEqualTo(200);
        HttpResponse<String> claimed = claim(id, annotator);
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
        assertThat(json(claimed).path("instructions").asString()).isEqualTo("Judge the answer only.");
        assertThat(json(get("/v1/annotation/queues/" + id, user)).path("description").isNull()).isTrue();

        // Paused with the lease held: the submission still counts, only new claims stop.
        patch("/v1/annotation/queues/" + id, user, "{\"state\":\"paused\"}");
        assertThat(post("/v1/annotation/queues/" + id + "/items/1/submit", annotator, "{\"answers\":{\"q\":\"ok\"}}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void theFilterAndQuestionsChangeOnlyWhileNoAnswerIsGiven() {
        String user = createKey("ws-aqm-spec");
        chat(user, "cairn/echo", "one");
        chat(user, "fast", "two");
        String id = queue(user, """
                {"name":"spec","filter":{"model":"cairn/echo"},"questions":[{"name":"q","type":"text"}]}""");
        assertThat(json(get("/v1/annotation/queues/" + id, user)).path("progress").path("items").asLong()).isEqualTo(1);

        HttpResponse<String> widened = patch("/v1/annotation/queues/" + id, user, """
                {"filter":{},"questions":[{"name":"notes","type":"text"}]}""");
        assertThat(widened.statusCode()).as(widened.body()).isEqualTo(200);
        assertThat(json(widened).path("progress").path("items").asLong()).as("the log read again under the new filter").isEqualTo(2);

        String annotator = createKeyWithRole("ws-aqm-spec", "annotator");
        assertThat(claim(id, annotator).statusCode()).isEqualTo(200);
        assertThat(post("/v1/annotation/queues/" + id + "/items/1/submit", annotator, "{\"answers\":{\"notes\":\"fine\"}}").statusCode())
                .isEqualTo(200);

        assertRefused(patch("/v1/annotation/queues/" + id, user, "{\"filter\":{\"model\":\"cairn/echo\"}}"), 409, "queue_has_answers", "filter");
        assertRefused(patch("/v1/annotation/queues/" + id, user, """
                {"questions":[{"name":"other","type":"text"}]}"""), 409, "queue_has_answers", "questions");
        assertThat(json(get("/v1/annotation/queues/" + id, user)).path("questions").get(0).path("name").asString())
                .as("nothing changed").isEqualTo("notes");
        assertThat(patch("/v1/annotation/queues/" + id, user, "{\"name\":\"still editable\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void interactionsLoggedAfterCreationBecomeItems() {
        String user = createKey("ws-aqm-follow");
        chat(user, "cairn/echo", "before");
        String id = queue(user, """
                {"name":"follow","filter":{"model":"cairn/echo"},"questions":[{"name":"q","type":"text"}]}""");
        String annotator = createKeyWithRole("ws-aqm-follow", "annotator");
        assertThat(json(claim(id, annotator)).path("item").asLong()).isEqualTo(1);
        assertThat(claim(id, annotator).statusCode()).isEqualTo(204);

        String later = chat(user, "cairn/echo", "after");
        chat(user, "fast", "another model");
        chat(createKey("ws-aqm-follow-other"), "cairn/echo", "another workspace");
        HttpResponse<String> claimed = claim(id, annotator);
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
        assertThat(json(claimed).path("item").asLong()).isEqualTo(2);
        assertThat(json(claimed).path("request_id").asString()).isEqualTo(later);
        assertThat(claim(id, annotator).statusCode()).as("only what matches").isEqualTo(204);
        assertThat(json(get("/v1/annotation/queues/" + id, user)).path("progress").path("items").asLong()).isEqualTo(2);
    }

    @Test
    void anArchivedQueueHandsOutNothingAndItsAnswersStayAsFeedback() {
        String user = createKey("ws-aqm-archive");
        String request = chat(user, "cairn/echo", "one");
        chat(user, "cairn/echo", "two");
        String id = queue(user, """
                {"name":"done soon","questions":[{"name":"notes","type":"text"}]}""");
        String annotator = createKeyWithRole("ws-aqm-archive", "annotator");
        assertThat(claim(id, annotator).statusCode()).isEqualTo(200);
        assertThat(post("/v1/annotation/queues/" + id + "/items/1/submit", annotator, "{\"answers\":{\"notes\":\"kept\"}}").statusCode())
                .isEqualTo(200);
        assertThat(claim(id, annotator).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = delete("/v1/annotation/queues/" + id, user);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(json(deleted).path("deleted").asBoolean()).isTrue();
        assertThat(delete("/v1/annotation/queues/" + id, user).statusCode()).as("again: the same answer").isEqualTo(200);

        assertRefused(claim(id, annotator), 409, "queue_archived", "id");
        assertRefused(post("/v1/annotation/queues/" + id + "/items/2/submit", annotator, "{\"answers\":{\"notes\":\"late\"}}"),
                409, "queue_archived", "id");
        assertRefused(patch("/v1/annotation/queues/" + id, user, "{\"state\":\"active\"}"), 409, "queue_archived", "id");
        assertThat(json(get("/v1/annotation/queues/" + id, user)).path("state").asString()).isEqualTo("archived");
        assertThat(json(get("/v1/annotation/queues", user)).path("data").findValuesAsString("id")).doesNotContain(id);
        assertThat(json(get("/v1/annotation/queues?state=archived", user)).path("data").findValuesAsString("id")).containsExactly(id);
        assertThat(json(get("/v1/feedback?request_id=" + request, user)).path("data").findValuesAsString("kind"))
                .as("the answer given stays as feedback").containsExactly("comment");
        assertThat(json(get("/v1/audit/entries?type=annotation.queue.archived", user)).path("data").size()).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndForeignQueuesDoNotExist() {
        String user = createKey("ws-aqm-bad");
        String id = queue(user, """
                {"name":"bad","questions":[{"name":"q","type":"text"}]}""");
        String path = "/v1/annotation/queues/" + id;
        assertRefused(patch(path, user, "{\"colour\":\"red\"}"), 400, "invalid_value", "colour");
        assertRefused(patch(path, user, "{\"name\":\"\"}"), 400, "invalid_value", "name");
        assertRefused(patch(path, user, "{\"name\":null}"), 400, "invalid_value", "name");
        assertRefused(patch(path, user, "{\"annotators_per_item\":0}"), 400, "invalid_value", "annotators_per_item");
        assertRefused(patch(path, user, "{\"annotators_per_item\":null}"), 400, "invalid_value", "annotators_per_item");
        assertRefused(patch(path, user, "{\"annotators_per_item\":\"2\"}"), 400, "invalid_value", "annotators_per_item");
        assertRefused(patch(path, user, "{\"lease\":\"25h\"}"), 400, "invalid_value", "lease");
        assertRefused(patch(path, user, "{\"lease\":null}"), 400, "invalid_value", "lease");
        assertRefused(patch(path, user, "{\"state\":\"archived\"}"), 400, "invalid_value", "state");
        assertRefused(patch(path, user, "{\"state\":1}"), 400, "invalid_value", "state");
        assertRefused(patch(path, user, "{\"description\":42}"), 400, "invalid_value", "description");
        assertRefused(patch(path, user, "{\"instructions\":\"" + "x".repeat(20_001) + "\"}"), 400, "invalid_value", "instructions");
        assertRefused(patch(path, user, "{\"filter\":{\"guard_action\":\"explode\"}}"), 400, "invalid_value", "filter.guard_action");
        assertRefused(patch(path, user, "{\"filter\":{\"missing_metric\":\"nope\"}}"), 400, "invalid_value", "filter.missing_metric");
        assertRefused(patch(path, user, "{\"questions\":[]}"), 400, "invalid_value", "questions");
        assertRefused(patch(path, user, "{\"name\":\"ok\",\"lease\":\"forever\"}"), 400, "invalid_value", "lease");
        assertThat(json(get(path, user)).path("name").asString()).as("a refused PATCH changes nothing").isEqualTo("bad");
        assertRefused(patch(path, user, "[1]"), 400, "invalid_json", null);
        assertRefused(patch(path, user, ""), 400, "invalid_json", null);
        assertRefused(get("/v1/annotation/queues?limit=0", user), 400, "invalid_value", "limit");
        assertRefused(get("/v1/annotation/queues?after=nope", user), 400, "invalid_value", "after");
        assertRefused(get("/v1/annotation/queues?state=gone", user), 400, "invalid_value", "state");

        String stranger = createKey("ws-aqm-bad-other");
        HttpResponse<String> foreign = patch(path, stranger, "{\"name\":\"mine now\"}");
        HttpResponse<String> unknown = patch("/v1/annotation/queues/aq_01JZZZZZZZZZZZZZZZZZZZZZZZ", stranger, "{\"name\":\"x\"}");
        assertRefused(foreign, 404, "queue_not_found", null);
        assertRefused(unknown, 404, "queue_not_found", null);
        assertThat(json(foreign).path("error").path("message").asString().replace(id, "ID"))
                .as("the same answer whether it exists elsewhere or not")
                .isEqualTo(json(unknown).path("error").path("message").asString().replace("aq_01JZZZZZZZZZZZZZZZZZZZZZZZ", "ID"));
        assertRefused(delete(path, stranger), 404, "queue_not_found", null);
        assertRefused(delete("/v1/annotation/queues/nope", user), 404, "queue_not_found", null);
        assertThat(json(get(path, user)).path("state").asString()).isEqualTo("active");

        String annotator = createKeyWithRole("ws-aqm-bad", "annotator");
        assertRefused(get("/v1/annotation/queues", annotator), 403, "user_key_required", null);
        assertRefused(patch(path, annotator, "{\"state\":\"paused\"}"), 403, "user_key_required", null);
        assertRefused(delete(path, annotator), 403, "user_key_required", null);
        assertThat(json(get(path, user)).path("state").asString()).isEqualTo("active");
    }
}
