package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code Cairn-Compare}: one prompt to two models through the running server, the built-in echo
 * model first and the fake upstream second: the caller's answer, the second request's own audit
 * entry, the pair both entries name, a preference between them, both answers as choices, and the
 * refusals.
 */
class ComparisonTest extends CairnServerTest {

    private static final String PROMPT = """
            {"model":"cairn/echo","messages":[{"role":"user","content":"Which is better?"}]%s}""";

    private HttpResponse<String> compare(String key, String models, String answer, String extra) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Cairn-Compare", models)
                .POST(HttpRequest.BodyPublishers.ofString(PROMPT.formatted(extra)));
        if (answer != null) {
            request.header("Cairn-Compare-Answer", answer);
        }
        return send(request.build());
    }

    /** The request's audit entry, once it is there: the second call may still be running when the first answers. */
    private JsonNode entry(String key, String requestId) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> found = get("/v1/audit/requests/" + requestId, key);
            if (found.statusCode() == 200) {
                return json(found).get("entry");
            }
            assertThat(System.nanoTime()).as("the audit entry of " + requestId).isLessThan(end);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theFirstModelAnswersAndBothAreRecordedAsAPairToPreferBetween() {
        String key = createKey("compare-ws");
        HttpResponse<String> answer = compare(key, "cairn/echo,fake/gpt-fake", null, "");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer).path("choices").size()).isEqualTo(1);
        assertThat(json(answer).path("choices").path(0).path("message").path("content").asString()).isEqualTo("Which is better?");
        String first = answer.headers().firstValue("Cairn-Request-Id").orElseThrow();
        String second = answer.headers().firstValue("Cairn-Compare-Request-Id").orElseThrow();
        assertThat(second).isNotEqualTo(first);

        JsonNode firstEntry = entry(key, first).path("data");
        JsonNode secondEntry = entry(key, second).path("data");
        assertThat(firstEntry.path("compare").path("position").asInt()).isEqualTo(0);
        assertThat(secondEntry.path("compare").path("position").asInt()).isEqualTo(1);
        assertThat(secondEntry.path("compare").path("id").asString()).isEqualTo(firstEntry.path("compare").path("id").asString());
        assertThat(secondEntry.path("model").asString()).isEqualTo("fake/gpt-fake");
        assertThat(secondEntry.path("status").asInt()).isEqualTo(200);
        assertThat(secondEntry.path("stream").asBoolean()).isFalse();

        HttpResponse<String> preference = post("/v1/feedback", key, """
                {"chosen_request_id":"%s","rejected_request_id":"%s","rationale":"echoes exactly"}""".formatted(second, first));
        assertThat(preference.statusCode()).as(preference.body()).isEqualTo(200);
    }

    @Test
    void bothAnswersComeAsTheChoicesOfOneWhenAsked() {
        String key = createKey("compare-both-ws");
        HttpResponse<String> answer = compare(key, "cairn/echo,fake/gpt-fake", "both", "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode choices = json(answer).path("choices");
        assertThat(choices.size()).isEqualTo(2);
        assertThat(choices.path(0).path("index").asInt()).isEqualTo(0);
        assertThat(choices.path(0).path("cairn").path("model").asString()).isEqualTo("cairn/echo");
        assertThat(choices.path(1).path("index").asInt()).isEqualTo(1);
        assertThat(choices.path(1).path("message").path("content").asString()).isEqualTo("Hello from upstream");
        assertThat(choices.path(1).path("cairn").path("request_id").asString())
                .isEqualTo(answer.headers().firstValue("Cairn-Compare-Request-Id").orElseThrow());
    }

    @Test
    void aStreamedFirstAnswerStillHasItsPairRecorded() {
        String key = createKey("compare-stream-ws");
        HttpResponse<String> answer = compare(key, "cairn/echo,fake/gpt-fake", null, ",\"stream\":true");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).endsWith("data: [DONE]\n\n");
        String second = answer.headers().firstValue("Cairn-Compare-Request-Id").orElseThrow();
        assertThat(entry(key, second).path("data").path("status").asInt()).isEqualTo(200);
    }

    @Test
    void badComparisonsAreRefusedBeforeAnyCall() {
        String key = createKey("compare-bad-ws");
        int before = UPSTREAM.received().size();
        assertError(compare(key, "cairn/echo", null, ""), 400, "Cairn-Compare");
        assertError(compare(key, "cairn/echo,cairn/echo", null, ""), 400, "Cairn-Compare");
        assertError(compare(key, "fake/gpt-fake,cairn/echo", null, ""), 400, "Cairn-Compare");
        assertError(compare(key, "cairn/echo,fake/gpt-fake", "all", ""), 400, "Cairn-Compare-Answer");
        assertError(compare(key, "cairn/echo,fake/gpt-fake", "both", ",\"stream\":true"), 400, "Cairn-Compare-Answer");
        assertError(compare(key, "cairn/echo,nowhere/model", null, ""), 404, "model");
        assertError(compare(createKey("compare-limited-ws", "cairn/echo"), "cairn/echo,fake/gpt-fake", null, ""), 403, "model");
        assertThat(UPSTREAM.received()).hasSize(before);
    }

    private static void assertError(HttpResponse<String> response, int status, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).path("error").path("param").asString()).isEqualTo(param);
    }
}
