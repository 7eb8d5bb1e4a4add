package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.rewards.RewardModelServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code Cairn-Best-Of} through the running server, judged by a reward model trained through the
 * API: the upstream's candidates of different quality, the helpful one given back as the only choice,
 * the scores and choice in headers and in the audit entry with every candidate, the usage of all of
 * them; Anthropic's one-choice answers and an upstream that ignores {@code n} made up with further
 * calls; and the refusals, none of which reaches an upstream.
 */
class BestOfTest extends RewardModelServerTest {

    private static final String WORKSPACE = "ws-best-of";
    private static final String MODEL = "judge-v1";
    private static final String PROMPT = "How do I get better at rowing?";

    private HttpResponse<String> bestOf(String key, String model, String count, String rewardModel, String extra) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"%s","messages":[{"role":"user","content":"%s"}]%s}""".formatted(model, PROMPT, extra)));
        if (count != null) {
            request.header("Cairn-Best-Of", count);
        }
        if (rewardModel != null) {
            request.header("Cairn-Reward-Model", rewardModel);
        }
        return send(request.build());
    }

    /** Answers with {@code n} choices (one when n is absent, as a server ignoring it would when {@code honourN} is false), the helpful one last. */
    private static void candidates(boolean honourN) {
        UPSTREAM.handler((exchange, request) -> {
            int n = honourN ? request.json().path("n").asInt(1) : 1;
            StringBuilder choices = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String text = i == n - 1 && honourN ? HELPFUL.formatted(PROMPT) : i == 0 ? CURT.formatted(PROMPT) : "Maybe try harder at it.";
                choices.append(i == 0 ? "" : ",").append("""
                        {"index":%d,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}""".formatted(i, text));
            }
            FakeUpstream.json(exchange, 200, """
                    {"id":"chatcmpl-best","object":"chat.completion","created":1,"model":"gpt-fake","choices":[%s],
                     "usage":{"prompt_tokens":12,"completion_tokens":%d,"total_tokens":%d}}""".formatted(choices, 15 * n, 12 + 15 * n));
        });
    }

    private static List<Double> scores(HttpResponse<String> answer) {
        return Arrays.stream(answer.headers().firstValue("Cairn-Best-Of-Scores").orElseThrow().split(",")).map(Double::valueOf).toList();
    }

    @Test
    void theBestCandidateIsTheAnswerAndEveryCandidateIsRecordedWithItsScore() {
        keyWithModel(WORKSPACE, MODEL);
        String key = createKey(WORKSPACE); // its own, so its usage is this request's alone
        candidates(true);
        HttpResponse<String> answer = bestOf(key, "fake/gpt-fake", "3", MODEL, "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        assertThat(UPSTREAM.received()).hasSize(1);
        assertThat(UPSTREAM.last().json().path("n").asInt()).isEqualTo(3);
        JsonNode body = json(answer);
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("choices").size()).isEqualTo(1);
        assertThat(body.path("choices").path(0).path("index").asInt()).isEqualTo(0);
        assertThat(body.path("choices").path(0).path("message").path("content").asString()).isEqualTo(HELPFUL.formatted(PROMPT));
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
        assertThat(body.path("usage").path("completion_tokens").asInt()).as("every candidate is paid for").isEqualTo(45);

        List<Double> scores = scores(answer);
        assertThat(scores).hasSize(3);
        assertThat(answer.headers().firstValue("Cairn-Best-Of-Chosen")).hasValue("2");
        assertThat(scores.get(2)).isGreaterThan(scores.get(0)).isGreaterThan(scores.get(1));

        String requestId = answer.headers().firstValue("Cairn-Request-Id").orElseThrow();
        JsonNode proof = json(get("/v1/audit/requests/" + requestId, key));
        JsonNode data = proof.path("entry").path("data");
        assertThat(data.path("best_of").path("model").asString()).isEqualTo(MODEL);
        assertThat(data.path("best_of").path("n").asInt()).isEqualTo(3);
        assertThat(data.path("best_of").path("chosen").asInt()).isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            assertThat(data.path("best_of").path("scores").get(i).asDouble()).isEqualTo(scores.get(i));
        }
        assertThat(data.path("usage").path("completion_tokens").asInt()).isEqualTo(45);
        assertThat(data.path("request").has("n")).as("the request as the client sent it").isFalse();
        JsonNode candidates = proof.path("content").path("choices");
        assertThat(candidates.size()).isEqualTo(3);
        assertThat(candidates.get(0).path("message").path("content").asString()).isEqualTo(CURT.formatted(PROMPT));
        assertThat(candidates.get(2).path("message").path("content").asString()).isEqualTo(HELPFUL.formatted(PROMPT));

        HttpResponse<String> preference = post("/v1/feedback", key, """
                {"request_id":"%s","chosen_choice":2,"rejected_choice":0}""".formatted(requestId));
        assertThat(preference.statusCode()).as("the candidates are a pair to prefer between: " + preference.body()).isEqualTo(200);

        JsonNode usage = json(get("/v1/usage?group_by=key", key)).path("data");
        assertThat(usage.valueStream()).as(usage.toString())
                .anyMatch(row -> row.path("requests").asInt() == 1 && row.path("completion_tokens").asInt() == 45);
    }

    @Test
    void anUpstreamThatIgnoresNIsAskedOncePerMissingCandidate() {
        String key = keyWithModel(WORKSPACE, MODEL);
        candidates(false);
        HttpResponse<String> answer = bestOf(key, "fake/gpt-fake", "4", MODEL, ",\"n\":1");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(UPSTREAM.received()).hasSize(4);
        assertThat(UPSTREAM.received().getFirst().json().path("n").asInt()).isEqualTo(4);
        assertThat(UPSTREAM.received().subList(1, 4)).allSatisfy(r -> assertThat(r.json().has("n")).isFalse());
        assertThat(scores(answer)).hasSize(4);
        JsonNode body = json(answer);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(48);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(60);
    }

    @Test
    void anthropicMakesOneCandidatePerCall() {
        String key = keyWithModel(WORKSPACE, MODEL);
        AtomicInteger calls = new AtomicInteger();
        ANTHROPIC.handler((exchange, request) -> {
            String text = calls.getAndIncrement() == 1 ? HELPFUL.formatted(PROMPT) : CURT.formatted(PROMPT);
            FakeUpstream.json(exchange, 200, """
                    {"id":"msg_b","type":"message","role":"assistant","model":"claude-sonnet-4",
                     "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,
                     "usage":{"input_tokens":21,"output_tokens":9}}""".formatted(text));
        });
        HttpResponse<String> answer = bestOf(key, "claude/claude-sonnet-4", "3", MODEL, "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(ANTHROPIC.received()).hasSize(3);
        assertThat(json(answer).path("choices").path(0).path("message").path("content").asString()).isEqualTo(HELPFUL.formatted(PROMPT));
        assertThat(json(answer).path("usage").path("prompt_tokens").asInt()).isEqualTo(63);
        assertThat(json(answer).path("usage").path("completion_tokens").asInt()).isEqualTo(27);
        assertThat(scores(answer)).hasSize(3);
    }

    @Test
    void badRequestsAreRefusedBeforeAnyCandidateIsPaidFor() {
        String key = keyWithModel(WORKSPACE, MODEL);
        for (String count : new String[] {"1", "17", "0", "-2", "three", "", "2.5"}) {
            assertError(bestOf(key, "fake/gpt-fake", count, MODEL, ""), 400, "Cairn-Best-Of");
        }
        assertError(bestOf(key, "fake/gpt-fake", "3", MODEL, ",\"stream\":true"), 400, "Cairn-Best-Of");
        assertError(bestOf(key, "fake/gpt-fake", "3", MODEL, ",\"n\":2"), 400, "Cairn-Best-Of");
        assertError(bestOf(key, "fake/gpt-fake", "3", null, ""), 400, "Cairn-Reward-Model");
        assertError(bestOf(key, "fake/gpt-fake", "3", " ", ""), 400, "Cairn-Reward-Model");
        HttpResponse<String> unknown = bestOf(key, "fake/gpt-fake", "3", "no-such-model", "");
        assertError(unknown, 404, "Cairn-Reward-Model");
        assertThat(json(unknown).path("error").path("code").asString()).isEqualTo("reward_model_not_found");
        assertError(bestOf(createKey("ws-best-of-other"), "fake/gpt-fake", "3", MODEL, ""), 404, "Cairn-Reward-Model");
        HttpResponse<String> compared = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Cairn-Best-Of", "3").header("Cairn-Reward-Model", MODEL).header("Cairn-Compare", "fake/gpt-fake,cairn/echo")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}]}""")).build());
        assertError(compared, 400, "Cairn-Best-Of");
        assertThat(UPSTREAM.received()).isEmpty();
    }

    @Test
    void aRequestWithoutTheHeaderIsAnsweredAsAlways() {
        String key = createKey("ws-best-of-plain");
        HttpResponse<String> answer = bestOf(key, "fake/gpt-fake", null, "ignored-without-best-of", "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cairn-Best-Of-Scores")).isEmpty();
        assertThat(UPSTREAM.last().json().has("n")).isFalse();
        String requestId = answer.headers().firstValue("Cairn-Request-Id").orElseThrow();
        assertThat(json(get("/v1/audit/requests/" + requestId, key)).path("entry").path("data").has("best_of")).isFalse();
    }

    private static void assertError(HttpResponse<String> response, int status, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response).path("error");
        assertThat(error.path("param").asString()).as(response.body()).isEqualTo(param);
        assertThat(error.path("message").asString()).isNotBlank();
    }
}
