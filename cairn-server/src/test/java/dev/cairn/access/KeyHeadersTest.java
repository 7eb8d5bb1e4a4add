package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A key is read from {@code Authorization: Bearer}, from {@code x-api-key} (Anthropic's SDKs) or
 * from {@code api-key} (Azure's), on every /v1 route; a request whose headers name two different
 * keys is refused, not resolved by precedence.
 */
class KeyHeadersTest extends CairnServerTest {

    private HttpResponse<String> models(String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url("/v1/models"))).headers(headers).GET().build());
    }

    private static void refused(HttpResponse<String> response, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonNode error = json(response).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo(code);
    }

    @Test
    void aKeyInXApiKeyIsAcceptedOnEveryV1Route() {
        String key = createKey("key-headers-x");
        assertThat(models("x-api-key", key).statusCode()).isEqualTo(200);
        HttpResponse<String> chat = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("x-api-key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"cairn/echo","messages":[{"role":"user","content":"hi"}]}""")).build());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    }

    @Test
    void aBadKeyInXApiKeyIsRefused() {
        String unknown = randomKey();
        HttpResponse<String> response = models("x-api-key", unknown);
        refused(response, "invalid_api_key");
        assertThat(response.body()).contains("Unknown API key").doesNotContain(unknown);
        refused(models("x-api-key", "not-a-key"), "invalid_api_key");
    }

    @Test
    void theSameKeyInTwoHeadersIsAcceptedAndDifferentKeysAreRefused() {
        String key = createKey("key-headers-both");
        assertThat(models("Authorization", "Bearer " + key, "x-api-key", key).statusCode()).isEqualTo(200);
        refused(models("Authorization", "Bearer " + key, "x-api-key", createKey("key-headers-both")), "conflicting_api_keys");
        refused(models("x-api-key", key, "api-key", randomKey()), "conflicting_api_keys");
        // Even when the other is no valid key: which key was meant is not Cairn's to guess.
        refused(models("Authorization", "Bearer " + key, "x-api-key", "junk"), "conflicting_api_keys");
        // One header given twice is two keys as well, whichever comes first.
        refused(models("Authorization", "Bearer " + key, "Authorization", "Bearer " + randomKey()), "conflicting_api_keys");
        refused(models("Authorization", "Bearer " + randomKey(), "Authorization", "Bearer " + key), "conflicting_api_keys");
    }
}
