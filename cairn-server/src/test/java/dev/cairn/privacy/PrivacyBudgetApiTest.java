package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The budget endpoints on a running server: an admin sets, reads and deletes a holder's budget, a
 * user key lists its workspace's, bad input is a 400 naming the field, and another workspace's
 * holder is a 404.
 */
class PrivacyBudgetApiTest extends CairnServerTest {

    private HttpResponse<String> put(String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> delete(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + key).DELETE().build());
    }

    /** A new key's id and secret. */
    private String[] keyIn(String workspace) {
        JsonNode created = json(post("/admin/keys", ADMIN_KEY, "{\"workspace\":\"%s\",\"name\":\"annotator\"}".formatted(workspace)));
        return new String[] {created.path("id").asString(), created.path("secret").asString()};
    }

    @Test
    void anAdminSetsReadsAndDeletesABudgetAndTheWorkspaceListsIt() {
        String[] key = keyIn("ws-budget-api");
        String path = "/admin/privacy/budgets/ws-budget-api/annotator/" + key[0];
        assertThat(json(get("/v1/privacy/budgets", key[1])).path("data").isEmpty()).isTrue();

        HttpResponse<String> set = put(path, ADMIN_KEY, "{\"epsilon\":3,\"delta\":1e-6}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).path("source").asString()).isEqualTo("admin");
        assertThat(json(set).path("epsilon").asDouble()).isEqualTo(3.0);
        assertThat(json(set).path("spent_epsilon").asDouble()).isZero();
        assertThat(json(set).path("left_epsilon").asDouble()).isEqualTo(3.0);

        JsonNode list = json(get("/v1/privacy/budgets", key[1]));
        assertThat(list.path("object").asString()).isEqualTo("list");
        assertThat(list.path("data")).hasSize(1);
        assertThat(list.path("data").get(0).path("id").asString()).isEqualTo(key[0]);
        assertThat(list.path("data").get(0).path("delta").asDouble()).isEqualTo(1e-6);
        assertThat(list.path("has_more").asBoolean()).isFalse();
        assertThat(json(get("/v1/privacy/budgets?kind=dataset", key[1])).path("data").isEmpty()).isTrue();
        assertThat(json(get("/v1/privacy/budgets/annotator/" + key[0], key[1])).path("charges").asLong()).isZero();
        assertThat(json(get(path, ADMIN_KEY)).path("epsilon").asDouble()).isEqualTo(3.0);

        HttpResponse<String> deleted = delete(path, ADMIN_KEY);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).path("source").asString()).isEqualTo("configuration");
        assertThat(json(deleted).path("epsilon").asDouble()).isEqualTo(10.0);
        assertThat(json(deleted).path("delta").asDouble()).isEqualTo(1e-5);
        assertThat(delete(path, ADMIN_KEY).statusCode()).isEqualTo(404);
        assertThat(get(path, key[1]).statusCode()).as("a user key may not use the admin API").isEqualTo(403);
    }

    @Test
    void badInputIsA400NamingTheFieldAndAnotherWorkspacesHolderIsA404() {
        String[] key = keyIn("ws-budget-bad");
        String path = "/admin/privacy/budgets/ws-budget-bad/annotator/" + key[0];
        String[][] cases = {
                {"{\"epsilon\":-1,\"delta\":1e-5}", "epsilon", "invalid_value"},
                {"{\"epsilon\":10,\"delta\":1}", "delta", "invalid_value"},
                {"{\"epsilon\":10,\"delta\":0}", "delta", "invalid_value"},
                {"{\"epsilon\":10}", "delta", "missing_required_parameter"},
                {"{\"epsilon\":\"ten\",\"delta\":1e-5}", "epsilon", "invalid_type"},
                {"{\"epsilon\":10,\"delta\":1e-5,\"sigma\":1}", "sigma", "unknown_parameter"},
                {"{\"epsilon\":1e999,\"delta\":1e-5}", "epsilon", "invalid_value"},
        };
        for (String[] bad : cases) {
            HttpResponse<String> refused = put(path, ADMIN_KEY, bad[0]);
            assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(json(refused).path("error").path("param").asString()).as(bad[0]).isEqualTo(bad[1]);
            assertThat(json(refused).path("error").path("code").asString()).as(bad[0]).isEqualTo(bad[2]);
        }
        assertThat(put(path, ADMIN_KEY, "NaN").statusCode()).isEqualTo(400);
        HttpResponse<String> kind = put("/admin/privacy/budgets/ws-budget-bad/person/" + key[0], ADMIN_KEY, "{\"epsilon\":1,\"delta\":1e-5}");
        assertThat(kind.statusCode()).isEqualTo(400);
        assertThat(json(kind).path("error").path("param").asString()).isEqualTo("kind");
        assertThat(json(get("/v1/privacy/budgets?kind=person", key[1])).path("error").path("param").asString()).isEqualTo("kind");
        assertThat(json(get("/v1/privacy/budgets?limit=0", key[1])).path("error").path("param").asString()).isEqualTo("limit");

        // The key is ws-budget-bad's: in another workspace's path, or asked for by another workspace, it does not exist.
        String[] other = keyIn("ws-budget-other");
        HttpResponse<String> foreign = put("/admin/privacy/budgets/ws-budget-other/annotator/" + key[0], ADMIN_KEY,
                "{\"epsilon\":1,\"delta\":1e-5}");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(json(foreign).path("error").path("code").asString()).isEqualTo("budget_holder_not_found");
        assertThat(get("/v1/privacy/budgets/annotator/" + key[0], other[1]).statusCode()).isEqualTo(404);
        assertThat(get("/v1/privacy/budgets/dataset/ds_nope", key[1]).statusCode()).isEqualTo(404);
        assertThat(json(get("/v1/privacy/budgets", other[1])).path("data").isEmpty()).isTrue();
    }
}
