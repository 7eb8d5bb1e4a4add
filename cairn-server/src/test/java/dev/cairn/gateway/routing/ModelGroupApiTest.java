package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The model group admin API through the running server: groups set, changed and deleted without a
 * restart and routed at once (the {@code Cairn-Route} header names the deployment that answered),
 * bad groups refused with the key named, admin keys only, every change in the audit log.
 */
class ModelGroupApiTest extends CairnServerTest {

    private final List<String> created = new ArrayList<>();

    @AfterEach
    void deleteGroups() {
        // The server is shared by every end-to-end test: leave no group behind, fallbacks first.
        for (String name : created.reversed()) {
            delete("/admin/models/" + name, ADMIN_KEY);
        }
    }

    private HttpResponse<String> put(String name, String key, String body) {
        created.add(name);
        return send(HttpRequest.newBuilder(URI.create(url("/admin/models/" + name))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> delete(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).DELETE();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    /** The deployment that answered a chat completion for {@code model}, by the official SDK. */
    private static String route(OpenAIClient client, String model) {
        HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("which way?").build());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.parse().choices()).hasSize(1);
        return raw.headers().values("Cairn-Route").getFirst();
    }

    @Test
    void aGroupSetThroughTheApiRoutesAtOnceFollowsEveryChangeAndGoesAwayWhenDeleted() {
        String key = createKey("mg-e2e");
        OpenAIClient client = openAi(key);
        assertThat(catchThrowableOfType(NotFoundException.class, () -> route(client, "mg-live")).statusCode()).isEqualTo(404);

        JsonNode set = ok(put("mg-live", ADMIN_KEY, """
                {"strategy":"priority","deployments":[{"model":"fake/gpt-fake","timeout":"30s","connect_timeout":1500},
                 {"model":"cairn/echo","tier":2}],"max_attempts":2,"deadline":"45s"}"""));
        assertThat(set.get("object").asString()).isEqualTo("model.group");
        assertThat(set.get("source").asString()).isEqualTo("admin");
        assertThat(set.get("strategy").asString()).isEqualTo("priority");
        assertThat(set.get("deployments").get(0).get("timeout").asString()).isEqualTo("30s");
        assertThat(set.get("deployments").get(0).get("connect_timeout").asString()).as("milliseconds read").isEqualTo("1500ms");
        assertThat(set.get("deployments").get(1).get("tier").asInt()).isEqualTo(2);
        assertThat(set.get("deadline").asString()).isEqualTo("45s");
        assertThat(set.get("updated_by").asString()).startsWith("key_");

        assertThat(route(client, "mg-live")).isEqualTo("fake/gpt-fake");
        assertThat(UPSTREAM.last().json().get("model").asString()).isEqualTo("gpt-fake");
        assertThat(client.models().list().data()).extracting(Model::id).contains("mg-live");

        // Deployments reordered: the next request follows, no restart.
        ok(put("mg-live", ADMIN_KEY, """
                {"strategy":"priority","deployments":[{"model":"cairn/echo"},{"model":"fake/gpt-fake"}]}"""));
        int upstreamCalls = UPSTREAM.received().size();
        assertThat(route(client, "mg-live")).isEqualTo("cairn/echo");
        assertThat(UPSTREAM.received()).hasSize(upstreamCalls);

        // Weights: one in a million, then the other way round.
        ok(put("mg-live", ADMIN_KEY, """
                {"deployments":[{"model":"fake/gpt-fake","weight":1},{"model":"cairn/echo","weight":1000000}]}"""));
        for (int i = 0; i < 5; i++) {
            assertThat(route(client, "mg-live")).isEqualTo("cairn/echo");
        }
        JsonNode reweighted = ok(put("mg-live", ADMIN_KEY, """
                {"deployments":[{"model":"fake/gpt-fake","weight":1000000},{"model":"cairn/echo","weight":1}]}"""));
        for (int i = 0; i < 5; i++) {
            assertThat(route(client, "mg-live")).isEqualTo("fake/gpt-fake");
        }

        // What GET shows can be sent back as it is.
        JsonNode read = ok(get("/admin/models/mg-live", ADMIN_KEY));
        assertThat(read).isEqualTo(reweighted);
        assertThat(read.get("strategy").asString()).as("the default, shown").isEqualTo("weighted");
        assertThat(ok(put("mg-live", ADMIN_KEY, read.toString())).get("deployments")).isEqualTo(read.get("deployments"));
        JsonNode listed = ok(get("/admin/models", ADMIN_KEY));
        assertThat(listed.get("object").asString()).isEqualTo("list");
        assertThat(listed.get("data")).filteredOn(g -> g.get("name").asString().equals("mg-live"))
                .singleElement().satisfies(g -> assertThat(g.get("source").asString()).isEqualTo("admin"));

        JsonNode deleted = ok(delete("/admin/models/mg-live", ADMIN_KEY));
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(deleted.get("in_force").isNull()).as("no configured group of that name").isTrue();
        assertThat(catchThrowableOfType(NotFoundException.class, () -> route(client, "mg-live")).statusCode()).isEqualTo(404);
        assertThat(get("/admin/models/mg-live", ADMIN_KEY).statusCode()).isEqualTo(404);
        HttpResponse<String> again = delete("/admin/models/mg-live", ADMIN_KEY);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again).get("error").get("code").asString()).isEqualTo("model_group_not_found");

        // Every change is an admin entry in the audit log: who, and the group before and after.
        List<JsonNode> updates = entries("admin.models.updated", "mg-live");
        assertThat(updates).hasSize(5);
        JsonNode first = updates.getFirst();
        assertThat(first.get("key_id").asString()).isEqualTo(set.get("updated_by").asString());
        assertThat(first.get("data").get("before").isNull()).isTrue();
        assertThat(first.get("data").get("after").get("deployments").get(0).get("model").asString()).isEqualTo("fake/gpt-fake");
        assertThat(updates.get(1).get("data").get("before").get("strategy").asString()).isEqualTo("priority");
        assertThat(updates.get(1).get("data").get("after").get("deployments").get(0).get("model").asString()).isEqualTo("cairn/echo");
        List<JsonNode> deletions = entries("admin.models.deleted", "mg-live");
        assertThat(deletions).hasSize(1);
        assertThat(deletions.getFirst().get("data").get("before").get("deployments").get(0).get("weight").asInt()).isEqualTo(1000000);
        assertThat(deletions.getFirst().get("data").get("after").isNull()).isTrue();
    }

    /** The audit entries of a type about one group, oldest first (as listed), each in full. */
    private List<JsonNode> entries(String type, String name) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode listed : json(get("/v1/audit/entries?type=" + type, ADMIN_KEY)).get("data")) {
            JsonNode entry = ok(get("/v1/audit/entries/" + listed.get("index").asLong(), ADMIN_KEY)).get("entry");
            if (entry.path("data").path("name").asString("").equals(name)) {
                found.add(entry);
            }
        }
        return found;
    }

    @Test
    void aGroupOthersFallBackToCannotBeDeletedUntilTheyStop() {
        ok(put("mg-backup", ADMIN_KEY, "{\"deployments\":[{\"model\":\"cairn/echo\"}]}"));
        ok(put("mg-main", ADMIN_KEY, "{\"deployments\":[{\"model\":\"fake/gpt-fake\"}],\"fallbacks\":[\"mg-backup\"]}"));
        HttpResponse<String> refused = delete("/admin/models/mg-backup", ADMIN_KEY);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("code").asString()).isEqualTo("model_group_in_use");
        assertThat(error.get("param").asString()).isEqualTo("mg-main.fallbacks[0]");
        assertThat(error.get("message").asString()).contains("mg-backup").contains("mg-main.fallbacks[0]");
        assertThat(ok(get("/admin/models/mg-backup", ADMIN_KEY)).get("source").asString()).as("still there").isEqualTo("admin");

        ok(put("mg-main", ADMIN_KEY, "{\"deployments\":[{\"model\":\"fake/gpt-fake\"}]}"));
        ok(delete("/admin/models/mg-backup", ADMIN_KEY));
    }

    @Test
    void badGroupsAreRefusedNamingTheKey() {
        ok(put("mg-cycle-a", ADMIN_KEY, "{\"deployments\":[{\"model\":\"cairn/echo\"}]}"));
        ok(put("mg-cycle-b", ADMIN_KEY, "{\"deployments\":[{\"model\":\"cairn/echo\"}],\"fallbacks\":[\"mg-cycle-a\"]}"));
        HttpResponse<String> cycle = put("mg-cycle-a", ADMIN_KEY,
                "{\"deployments\":[{\"model\":\"cairn/echo\"}],\"content_policy_fallbacks\":[\"mg-cycle-b\"]}");
        assertThat(cycle.statusCode()).as(cycle.body()).isEqualTo(400);
        JsonNode cycleError = json(cycle).get("error");
        assertThat(cycleError.get("param").asString()).isIn("mg-cycle-a.fallbacks", "mg-cycle-b.fallbacks");
        assertThat(cycleError.get("message").asString()).startsWith(cycleError.get("param").asString() + " makes a fallback cycle: ")
                .containsAnyOf("mg-cycle-a -> mg-cycle-b -> mg-cycle-a", "mg-cycle-b -> mg-cycle-a -> mg-cycle-b");
        assertThat(ok(get("/admin/models/mg-cycle-a", ADMIN_KEY)).get("content_policy_fallbacks").isEmpty())
                .as("the refused change is not stored").isTrue();

        record Bad(String body, String code, String param, String message) {
        }
        String echo = "{\"model\":\"cairn/echo\"}";
        List<Bad> cases = List.of(
                new Bad("{\"deployments\":[{\"model\":\"nope/gpt\"}]}", "invalid_value", "mg-bad.deployments[0].model",
                        "mg-bad.deployments[0].model 'nope/gpt' is not '<provider>/<upstream-model>' with a configured provider"),
                new Bad("{\"deployments\":[" + echo + ",{\"model\":\"fake/gpt-fake\",\"weight\":0}]}", "invalid_value",
                        "mg-bad.deployments[1].weight", "mg-bad.deployments[1].weight must be 1 or more, not 0"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"weight\":-2}]}", "invalid_value",
                        "mg-bad.deployments[0].weight", "mg-bad.deployments[0].weight must be 1 or more, not -2"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"first_token_timeout\":\"0s\"}]}", "invalid_value",
                        "mg-bad.deployments[0].first_token_timeout",
                        "mg-bad.deployments[0].first_token_timeout must be longer than 0, not 0s"),
                new Bad("{\"deployments\":[" + echo + "],\"max_attempts\":0}", "invalid_value", "mg-bad.max_attempts",
                        "mg-bad.max_attempts must be 1 or more, not 0"),
                new Bad("{\"deployments\":[" + echo + "],\"context_window_fallbacks\":[\"nowhere\"]}", "invalid_value",
                        "mg-bad.context_window_fallbacks[0]", "mg-bad.context_window_fallbacks[0] 'nowhere' is neither"),
                new Bad("{\"deployments\":[" + echo + "],\"fallbacks\":[\"mg-bad\"]}", "invalid_value", "mg-bad.fallbacks[0]",
                        "mg-bad.fallbacks[0] names the group itself"),
                new Bad("{\"deployments\":[]}", "invalid_value", "mg-bad.deployments", "mg-bad.deployments must list at least one"),
                new Bad("{\"strategy\":\"fastest\",\"deployments\":[" + echo + "]}", "invalid_value", "mg-bad.strategy",
                        "must be one of weighted, least-in-flight, lowest-latency, priority"),
                new Bad("{\"strategy\":1,\"deployments\":[" + echo + "]}", "invalid_type", "mg-bad.strategy", "must be one of"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"weight\":\"3\"}]}", "invalid_type",
                        "mg-bad.deployments[0].weight", "must be a whole number"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"weight\":1.5}]}", "invalid_type",
                        "mg-bad.deployments[0].weight", "must be a whole number"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"rpm\":99999999999}]}", "invalid_value",
                        "mg-bad.deployments[0].rpm", "at most"),
                new Bad("{\"deployments\":[{\"model\":7}]}", "invalid_type", "mg-bad.deployments[0].model", "must be a string"),
                new Bad("{\"deployments\":[\"cairn/echo\"]}", "invalid_type", "mg-bad.deployments[0]", "must be an object"),
                new Bad("{\"deployments\":{\"model\":\"cairn/echo\"}}", "invalid_type", "mg-bad.deployments", "must be an array"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"timeout\":\"soon\"}]}", "invalid_value",
                        "mg-bad.deployments[0].timeout", "must be a duration"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"timeout\":true}]}", "invalid_type",
                        "mg-bad.deployments[0].timeout", "must be a duration"),
                new Bad("{\"deployments\":[" + echo + "],\"deadline\":\"400000d\"}", "invalid_value", "mg-bad.deadline",
                        "must be at most 1d"),
                new Bad("{\"deployments\":[" + echo + "],\"deadline\":\"99999999999999999999d\"}", "invalid_value",
                        "mg-bad.deadline", "must be a duration"),
                new Bad("{\"deployments\":[" + echo + "],\"fallbacks\":\"mg-x\"}", "invalid_type", "mg-bad.fallbacks", "array"),
                new Bad("{\"deployments\":[" + echo + "],\"fallbacks\":[null]}", "invalid_type", "mg-bad.fallbacks[0]", "string"),
                new Bad("{\"deployments\":[{\"model\":\"cairn/echo\",\"wieght\":2}]}", "unknown_parameter",
                        "mg-bad.deployments[0].wieght", "Unknown field 'wieght'"),
                new Bad("{\"deployments\":[" + echo + "],\"retries\":2}", "unknown_parameter", "mg-bad.retries", "Unknown field"),
                new Bad("{\"deployments\":[" + echo + "],\"name\":\"other\"}", "invalid_value", "mg-bad.name", "the name in the path"),
                new Bad("{\"deployments\":[" + echo + "],\"deployments\":[]}", "invalid_json", null, "not valid JSON"),
                new Bad("{\"deployments\":", "invalid_json", null, "not valid JSON"),
                new Bad("[]", "invalid_json", null, "must be a JSON object"),
                new Bad("", "invalid_json", null, "empty"));
        for (Bad bad : cases) {
            assertRefused(put("mg-bad", ADMIN_KEY, bad.body()), 400, bad.code(), bad.param(), bad.message());
        }

        // Not UTF-8, and larger than cairn.gateway.max-body-size (64KB in these tests).
        byte[] latin1 = "{\"deployments\":[{\"model\":\"caf\u00e9/x\"}]}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertRefused(send(HttpRequest.newBuilder(URI.create(url("/admin/models/mg-bad"))).header("Authorization", "Bearer " + ADMIN_KEY)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(latin1)).build()), 400, "invalid_json", null, "not valid UTF-8");
        String huge = "{\"deployments\":[" + echo + "],\"fallbacks\":[\"" + "x".repeat(70_000) + "\"]}";
        assertRefused(put("mg-bad", ADMIN_KEY, huge), 413, "request_too_large", null, "larger than the limit");
        // An alias's name, and names no client could send safely.
        assertRefused(put("fast", ADMIN_KEY, "{\"deployments\":[" + echo + "]}"), 400, "invalid_value", "fast",
                "fast is the name of an alias");
        assertRefused(put("two%20words", ADMIN_KEY, "{\"deployments\":[" + echo + "]}"), 400, "invalid_model_group_name", "name",
                "1 to 128 letters");
        assertRefused(put("x".repeat(129), ADMIN_KEY, "{\"deployments\":[" + echo + "]}"), 400, "invalid_model_group_name", "name",
                "1 to 128 letters");
        assertThat(get("/admin/models/mg-bad", ADMIN_KEY).statusCode()).as("nothing stored").isEqualTo(404);
    }

    private static void assertRefused(HttpResponse<String> response, int status, String code, String param, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response).get("error");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(error.get("param").isNull() ? null : error.get("param").asString()).as(response.body()).isEqualTo(param);
        assertThat(error.get("message").asString()).as(response.body()).contains(message);
    }

    @Test
    void onlyAdminKeysReachTheModelGroups() {
        String user = createKey("mg-user");
        String auditor = createKeyWithRole("mg-user", "auditor");
        String body = "{\"deployments\":[{\"model\":\"cairn/echo\"}]}";
        for (String key : List.of(user, auditor)) {
            assertThat(get("/admin/models", key).statusCode()).isEqualTo(403);
            assertThat(get("/admin/models/mg-denied", key).statusCode()).isEqualTo(403);
            HttpResponse<String> refused = put("mg-denied", key, body);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(json(refused).get("error").get("type").asString()).isEqualTo("permission_error");
            assertThat(delete("/admin/models/mg-denied", key).statusCode()).isEqualTo(403);
        }
        assertThat(get("/admin/models", null).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(URI.create(url("/admin/models/mg-denied"))).PUT(HttpRequest.BodyPublishers.ofString(body))
                .build()).statusCode()).isEqualTo(401);
        assertThat(delete("/admin/models/mg-denied", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin/models/mg-denied", ADMIN_KEY).statusCode()).as("nothing stored").isEqualTo(404);
    }
}
