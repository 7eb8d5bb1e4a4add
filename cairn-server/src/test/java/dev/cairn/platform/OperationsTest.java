package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Health, metrics, tracing, the admin API and the usage ledger, against the running server. */
class OperationsTest extends CairnServerTest {

    @Test
    void healthNeedsNoKey() {
        HttpResponse<String> live = get("/health/live", null);
        HttpResponse<String> ready = get("/health/ready", null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode checks = json(ready).get("checks");
        assertThat(checks.get("database").get("status").stringValue()).isEqualTo("UP");
        assertThat(checks.get("audit").get("status").stringValue()).isEqualTo("UP");
        assertThat(checks.get("providers").get("configured").toString()).contains("cairn", "fake", "dead");
    }

    @Test
    void metricsNeedAnAdminKeyAndCountRequestsLatencyAndTokens() {
        String key = createKey("metrics-ws");
        post("/v1/chat/completions", key, "{\"model\":\"fake/gpt-fake\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
        assertThat(get("/metrics", key).statusCode()).isEqualTo(403);

        HttpResponse<String> metrics = get("/metrics", ADMIN_KEY);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("cairn_requests_total\\{model=\"fake/gpt-fake\",route=\"chat.completions\",status=\"200\"} [1-9]")
                .contains("cairn_request_duration_seconds_bucket{route=\"chat.completions\"")
                .contains("cairn_upstream_duration_seconds_bucket{provider=\"fake\"")
                .containsPattern("cairn_tokens_total\\{model=\"fake/gpt-fake\",type=\"prompt\"} [1-9]");
    }

    @Test
    void traceIdComesFromTraceparentAndTravelsUpstream() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + createKey("trace-ws"))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake/gpt-fake\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build());
        assertThat(response.headers().firstValue("Cairn-Trace-Id")).contains(traceId);
        String upstreamParent = FakeUpstream.flat(UPSTREAM.last().headers()).get("traceparent");
        assertThat(upstreamParent).startsWith("00-" + traceId + "-").doesNotContain("00f067aa0ba902b7");

        HttpResponse<String> fresh = get("/health/live", null);
        assertThat(fresh.headers().firstValue("Cairn-Trace-Id")).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{32}"));
        HttpResponse<String> invalid = send(HttpRequest.newBuilder(URI.create(url("/health/live")))
                .header("traceparent", "garbage").GET().build());
        assertThat(invalid.headers().firstValue("Cairn-Trace-Id")).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{32}"));
    }

    @Test
    void adminApiCreatesListsAndRevokesKeysAndNeedsAnAdminKey() {
        HttpResponse<String> created = post("/admin/keys", ADMIN_KEY, "{\"workspace\":\"adm-ws\",\"name\":\"ci\",\"allowed_models\":[\"cairn/echo\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode key = json(created);
        assertThat(key.get("secret").stringValue()).startsWith("ck_");
        assertThat(key.get("id").stringValue()).startsWith("key_");

        JsonNode listed = json(get("/admin/keys?workspace=adm-ws", ADMIN_KEY)).get("data");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).has("secret")).isFalse();
        assertThat(listed.get(0).get("allowed_models").get(0).stringValue()).isEqualTo("cairn/echo");

        String secret = key.get("secret").stringValue();
        assertThat(post("/admin/keys", secret, "{\"workspace\":\"x\",\"name\":\"y\"}").statusCode()).isEqualTo(403);
        assertThat(post("/admin/keys", ADMIN_KEY, "{\"workspace\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(post("/admin/keys/key_nope/revoke", ADMIN_KEY, "").statusCode()).isEqualTo(404);

        post("/v1/chat/completions", secret, "{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(post("/admin/keys/" + key.get("id").stringValue() + "/revoke", ADMIN_KEY, "").statusCode()).isEqualTo(200);
        assertThat(get("/v1/models", secret).statusCode()).isEqualTo(401);
    }

    @Test
    void usageLedgerCountsTokensCostAndErrorsPerModelKeyAndDay() {
        String key = createKey("usage-ws");
        for (int i = 0; i < 3; i++) {
            post("/v1/chat/completions", key, "{\"model\":\"fake/gpt-fake\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        }
        post("/v1/chat/completions", key, "{\"model\":\"fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        post("/v1/chat/completions", key, "{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"a b c\"}]}");
        post("/v1/chat/completions", key, "{\"model\":\"fake/gpt-fake\",\"messages\":5}");

        JsonNode byModel = json(get("/v1/usage?group_by=model", key));
        assertThat(byModel.get("workspace").stringValue()).isEqualTo("usage-ws");
        JsonNode fake = find(byModel, "model", "fake/gpt-fake");
        assertThat(fake.get("requests").intValue()).isEqualTo(4);
        assertThat(fake.get("errors").intValue()).isZero();
        // A request refused before routing is still in the ledger, under no model.
        JsonNode unrouted = find(byModel, "model", "none");
        assertThat(unrouted.get("requests").intValue()).isEqualTo(1);
        assertThat(unrouted.get("errors").intValue()).isEqualTo(1);
        assertThat(fake.get("prompt_tokens").intValue()).isEqualTo(44); // 4 answered calls × 11, the stream included
        assertThat(fake.get("completion_tokens").intValue()).isEqualTo(12);
        // 44 × $2.50/M + 12 × $10/M
        assertThat(fake.get("cost_usd").doubleValue()).isCloseTo(0.00023, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(find(byModel, "model", "cairn/echo").get("completion_tokens").intValue()).isEqualTo(3);

        JsonNode byDay = json(get("/v1/usage?group_by=day", key));
        assertThat(byDay.get("data").get(0).get("day").stringValue()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(byDay.get("data").get(0).get("requests").intValue()).isEqualTo(6);

        JsonNode byKey = json(get("/v1/usage?group_by=key", key));
        assertThat(byKey.get("data")).hasSize(1);

        JsonNode future = json(get("/v1/usage?from=2099-01-01&to=2099-02-01", key));
        assertThat(future.get("data")).isEmpty();
        assertThat(get("/v1/usage?group_by=color", key).statusCode()).isEqualTo(400);
        assertThat(get("/v1/usage?from=yesterday", key).statusCode()).isEqualTo(400);
        assertThat(get("/v1/usage?to=99999999999999999", key).statusCode()).isEqualTo(400);
        assertThat(get("/v1/usage?to=%2B999999999-12-31T00:00:00Z", key).statusCode()).isEqualTo(400);
        assertThat(json(get("/v1/usage?group_by=model", ADMIN_KEY)).get("data").size()).isGreaterThanOrEqualTo(2);
    }

    private static JsonNode find(JsonNode usage, String field, String value) {
        for (JsonNode row : usage.get("data").values()) {
            if (value.equals(row.get(field).stringValue())) {
                return row;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + usage);
    }
}
