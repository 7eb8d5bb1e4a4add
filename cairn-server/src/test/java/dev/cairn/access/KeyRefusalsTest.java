package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Each 401 says why the key was refused: none was sent, the Authorization header does not carry it
 * as a bearer token, the key does not have a Cairn key's form (and what is wrong with it), no key
 * has that secret, or the key was revoked. No message quotes the key.
 */
class KeyRefusalsTest extends CairnServerTest {

    private HttpResponse<String> models(String header, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/models"))).GET();
        if (header != null) {
            request.header(header, value);
        }
        return send(request.build());
    }

    private static JsonNode refused(HttpResponse<String> response, String code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonNode error = json(response).get("error");
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").stringValue()).isEqualTo(code);
        assertThat(error.get("param").isNull()).isTrue();
        assertThat(error.get("message").stringValue()).contains(message);
        return error;
    }

    @Test
    void noKeyIsMissing() {
        refused(models(null, null), "missing_api_key", "No API key");
        refused(models("Authorization", "Bearer"), "missing_api_key", "No API key");
        refused(models("Authorization", "Bearer   "), "missing_api_key", "No API key");
    }

    @Test
    void aKeyWithoutTheBearerSchemeIsRefusedEvenWhenItIsValid() {
        String key = createKey("refusals-scheme");
        assertThat(models("Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        assertThat(models("Authorization", "bearer " + key).statusCode()).as("the scheme is case-insensitive").isEqualTo(200);
        assertThat(models("api-key", key).statusCode()).as("Azure-style header").isEqualTo(200);

        JsonNode bare = refused(models("Authorization", key), "invalid_api_key", "Malformed Authorization header");
        assertThat(bare.get("message").stringValue()).contains("Bearer").doesNotContain(key);
        refused(models("Authorization", "Basic " + key), "invalid_api_key", "Malformed Authorization header");
        refused(models("Authorization", "Bearer" + key), "invalid_api_key", "Malformed Authorization header");
    }

    @Test
    void aKeyWithoutTheFormOfACairnKeyIsMalformedAndSaysWhatIsWrong() {
        JsonNode shortKey = refused(models("Authorization", "Bearer ck_wrong"), "invalid_api_key", "Malformed API key");
        assertThat(shortKey.get("message").stringValue())
                .contains("32 to 128 characters after 'ck_'").contains("has 5")
                .doesNotContain("start with").doesNotContain("ck_wrong");
        refused(models("Authorization", "Bearer " + "ck_" + "A".repeat(129)), "invalid_api_key", "has 129");
        refused(models("Authorization", "Bearer ck_" + "A".repeat(31) + "+"), "invalid_api_key",
                "only letters, digits, '_' and '-' after 'ck_'");
        refused(models("Authorization", "Bearer sk-proj-" + "A".repeat(40)), "invalid_api_key", "Cairn keys start with 'ck_'");
    }

    @Test
    void aWellFormedKeyNobodyHasIsUnknown() {
        String key = randomKey();
        JsonNode unknown = refused(models("Authorization", "Bearer " + key), "invalid_api_key", "Unknown API key");
        assertThat(unknown.get("message").stringValue()).doesNotContain("Malformed").doesNotContain(key);
    }

    @Test
    void aRevokedKeyIsRevoked() {
        String key = createKey("refusals-revoked");
        String id = json(get("/admin/keys?workspace=refusals-revoked", ADMIN_KEY)).get("data").get(0).get("id").stringValue();
        assertThat(post("/admin/keys/" + id + "/revoke", ADMIN_KEY, "").statusCode()).isEqualTo(200);
        refused(models("Authorization", "Bearer " + key), "revoked_api_key", "revoked");
    }
}
