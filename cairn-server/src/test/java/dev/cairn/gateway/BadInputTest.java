package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every kind of bad input gets the right 4xx in the OpenAI error shape, with no stack trace, and
 * never reaches the upstream.
 */
class BadInputTest extends CairnServerTest {

    private String key;

    @BeforeEach
    void key() {
        key = createKey("bad-input-ws");
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String code, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode error = json(response).get("error");
        assertThat(error).isNotNull();
        assertThat(error.has("message") && error.has("type") && error.has("code") && error.has("param")).isTrue();
        assertThat(error.get("message").stringValue()).isNotBlank();
        assertThat(error.get("code").stringValue()).isEqualTo(code);
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").stringValue()).isEqualTo(param);
        }
        return error;
    }

    private HttpResponse<String> chat(String body) {
        return post("/v1/chat/completions", key, body);
    }

    @Test
    void malformedJson() {
        JsonNode truncated = assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\""), 400, "invalid_json", null);
        assertThat(truncated.get("message").stringValue()).contains("end-of-input").doesNotContain("Source");
        assertError(chat("not json at all"), 400, "invalid_json", null);
        assertError(chat("{\"model\":\"cairn/echo\"} trailing"), 400, "invalid_json", null);
        for (String body : new String[] {"{\"a\":1}{\"b\":2}", "{\"a\":NaN}", "[".repeat(600), "{\"a\":" + "1".repeat(2000) + "}"}) {
            assertThat(assertError(chat(body), 400, "invalid_json", null).get("message").stringValue())
                    .as("no parser internals").doesNotContain("jackson").doesNotContain("Feature").doesNotContain("`");
        }
        assertError(chat(""), 400, "invalid_json", null);
        assertError(chat("[1,2]"), 400, "invalid_json", null);
    }

    @Test
    void wrongFieldTypes() {
        assertError(chat("{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_type", "model");
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":\"hi\"}"), 400, "invalid_type", "messages");
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[\"hi\"]}"), 400, "invalid_type", "messages[0]");
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":5}]}"), 400, "invalid_type", "messages[0].content");
        assertError(chat("{\"model\":\"cairn/echo\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_type", "stream");
        assertError(chat("{\"model\":\"cairn/echo\",\"max_tokens\":\"ten\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_type", "max_tokens");
        assertError(chat("{\"model\":\"cairn/echo\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "invalid_type", "temperature");
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}"), 400, "invalid_value", "messages[0].role");
    }

    /**
     * Audit entries are canonical JSON, which has no lone surrogates and no infinite numbers: such a
     * body is refused up front, naming the place, before a model is called or a key is stored.
     */
    @Test
    void valuesTheAuditLogCannotRecordExactly() {
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi \\ud800\"}]}"),
                400, "invalid_value", "messages[0].content");
        assertError(chat("{\"model\":\"cairn/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"\\udc00\"}]}"),
                400, "invalid_value", "messages[0].content");
        assertError(chat("{\"model\":\"cairn/echo\",\"temperature\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_value", "temperature");
        assertError(chat("{\"model\":\"cairn/echo\",\"extra\":{\"deep\":[1,-1e400]},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_value", "extra.deep[1]");
        assertError(post("/v1/embeddings", key, "{\"model\":\"cairn/echo\",\"input\":[\"ok\",\"\\ud800\"]}"),
                400, "invalid_value", "input[1]");
        // A well-formed pair is text like any other, and so is a large finite number.
        assertThat(chat("{\"model\":\"cairn/echo\",\"seed\":1e300,\"messages\":[{\"role\":\"user\",\"content\":\"\\ud83d\\ude00\"}]}")
                .statusCode()).isEqualTo(200);

        String workspace = "lone-" + System.nanoTime();
        assertError(post("/admin/keys", ADMIN_KEY, "{\"workspace\":\"" + workspace + "\",\"name\":\"a\\ud800\"}"),
                400, "invalid_value", "name");
        assertThat(get("/admin/keys?workspace=" + workspace, ADMIN_KEY).body()).as("no key stored").doesNotContain("\"name\"");
    }

    /** OpenAI's own limits: every choice and every input is held, screened and audited in full. */
    @Test
    void tooManyChoicesOrEmbeddingInputs() {
        assertError(chat("{\"model\":\"cairn/echo\",\"n\":129,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_value", "n");
        // With an answer limit: n=128 answers of unstated length are more than a key may ask for by default (cairn.limits).
        assertThat(chat("{\"model\":\"cairn/echo\",\"n\":128,\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        String inputs = String.join(",", java.util.Collections.nCopies(2049, "\"x\""));
        assertError(post("/v1/embeddings", key, "{\"model\":\"cairn/echo\",\"input\":[" + inputs + "]}"),
                400, "invalid_value", "input");
    }

    /** Tomcat decodes the query lazily; a byte that is not UTF-8, or a time past what is stored, is a 400. */
    @Test
    void queryParametersThatCannotBeRead() {
        assertError(get("/v1/usage?from=%ff", key), 400, "invalid_parameter", null);
        assertError(get("/v1/audit/entries?workspace=%ff%fe", ADMIN_KEY), 400, "invalid_parameter", null);
        assertError(get("/v1/audit/entries?from=-999999999-01-01T00:00:00Z", ADMIN_KEY), 400, "invalid_value", "from");
        assertError(get("/v1/audit/entries?to=%2B999999999-12-31T23:59:59Z", ADMIN_KEY), 400, "invalid_value", "to");
    }

    /** Tomcat refuses these before any servlet runs; its answer has the OpenAI shape too, not an HTML page. */
    @Test
    void requestsTheContainerRefusesBeforeCairnSeesThem() {
        assertError(get("/v1/models/%ff", key), 400, "bad_request", null);
        assertError(get("/v1/models/a%00b", key), 400, "bad_request", null);
        assertError(send(HttpRequest.newBuilder(java.net.URI.create(url("/v1/models")))
                .header("Authorization", "Bearer " + key).header("Cairn-Thread", "x".repeat(10_000)).GET().build()),
                400, "bad_request", null);
        assertError(get("/actuator", null), 404, "not_found", null);
        assertError(get("/error", null), 404, "not_found", null);
    }

    @Test
    void missingModelOrMessages() {
        assertError(chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 400, "missing_required_parameter", "model");
        assertError(chat("{\"model\":\"cairn/echo\"}"), 400, "missing_required_parameter", "messages");
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[]}"), 400, "invalid_value", "messages");
        assertError(post("/v1/embeddings", key, "{\"model\":\"cairn/echo\"}"), 400, "missing_required_parameter", "input");
    }

    @Test
    void bodyOverTheConfiguredLimit() {
        String big = "x".repeat(70 * 1024);
        assertError(chat("{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}"),
                413, "request_too_large", null);
    }

    @Test
    void bodyOverTheLimitWithoutContentLength() {
        byte[] big = ("{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(80 * 1024) + "\"}]}").getBytes();
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build());
        assertError(response, 413, "request_too_large", null);
    }

    @Test
    void invalidUtf8() {
        byte[] prefix = "{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes();
        byte[] suffix = "\"}]}".getBytes();
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xC3; // a two-byte sequence cut short
        body[prefix.length + 1] = (byte) 0x28;
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        JsonNode error = assertError(response, 400, "invalid_json", null);
        assertThat(error.get("message").stringValue()).contains("UTF-8");
    }

    @Test
    void unknownModel() {
        assertError(chat("{\"model\":\"nobody/model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404, "model_not_found", "model");
        assertError(chat("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404, "model_not_found", "model");
        assertError(chat("{\"model\":\"cairn/other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404, "model_not_found", "model");
    }

    @Test
    void modelOutsideTheKeysAllowList() {
        String limited = createKey("allow-ws", "fake/*");
        assertError(post("/v1/chat/completions", limited, "{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                403, "model_not_allowed", "model");
        assertThat(post("/v1/chat/completions", limited, "{\"model\":\"fake/gpt-fake\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        assertError(post("/v1/embeddings", limited, "{\"model\":\"cairn/echo\",\"input\":\"x\"}"), 403, "model_not_allowed", "model");
    }

    @Test
    void fallbackModelsMustAlsoBeInTheAllowList() {
        String limited = createKey("fallback-ws", "fake/gpt-fake");
        assertError(post("/v1/chat/completions", limited, """
                {"model":"fake/gpt-fake","models":["fake/gpt-fake","fake/expensive-model"],"messages":[{"role":"user","content":"hi"}]}"""),
                403, "model_not_allowed", "model");
        assertThat(post("/v1/chat/completions", limited, """
                {"model":"fake/gpt-fake","models":["fake/gpt-fake"],"messages":[{"role":"user","content":"hi"}]}""").statusCode())
                .isEqualTo(200);
    }

    @Test
    void acceptHeaderThatRulesOutJsonIs406() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url("/v1/models")))
                .header("Authorization", "Bearer " + key).header("Accept", "text/plain").GET().build());
        assertThat(response.statusCode()).isEqualTo(406);
    }

    @Test
    void missingMalformedUnknownAndRevokedKeys() {
        String body = "{\"model\":\"cairn/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertError(missing, 401, "missing_api_key", null);
        assertError(post("/v1/chat/completions", "sk-not-a-cairn-key", body), 401, "invalid_api_key", null);
        assertError(post("/v1/chat/completions", randomKey(), body), 401, "invalid_api_key", null);

        String doomed = createKey("revoke-ws");
        assertThat(post("/v1/chat/completions", doomed, body).statusCode()).isEqualTo(200);
        String id = json(get("/admin/keys?workspace=revoke-ws", ADMIN_KEY)).get("data").get(0).get("id").stringValue();
        assertThat(send(HttpRequest.newBuilder(URI.create(url("/admin/keys/" + id)))
                .header("Authorization", "Bearer " + ADMIN_KEY).DELETE().build()).statusCode()).isEqualTo(200);
        assertError(post("/v1/chat/completions", doomed, body), 401, "revoked_api_key", null);
        assertError(get("/v1/models", doomed), 401, "revoked_api_key", null);
    }

    @Test
    void unknownEndpointsAndMethods() {
        assertError(get("/v1/nothing-here", key), 404, "not_found", null);
        assertError(get("/v1/chat/completions", key), 405, "method_not_allowed", null);
    }

    @Test
    void badInputNeverReachesTheUpstream() {
        chat("{\"model\":\"fake/gpt-fake\",\"messages\":\"oops\"}");
        chat("{\"model\":\"fake/gpt-fake\"");
        assertThat(UPSTREAM.received()).isEmpty();
    }
}
