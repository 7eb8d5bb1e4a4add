package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import dev.cairn.support.Faults;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Whole (non-streamed) answers through groups whose deployments fail: the client, the official
 * OpenAI SDK with its own retries off, sees no error while a deployment of the chain can answer;
 * retries stay within their limits; a request's fallbacks and the key's allow-list are kept.
 */
class RoutingFailoverTest extends RoutingServerTest {

    @Test
    void aBurstOf503sIsAbsorbedByTheOtherDeploymentAndRetriesStayWithinMaxAttempts() {
        Faults.Script a = Faults.times(6, Faults.unavailable());
        Faults.Script b = Faults.always(Faults.ok());
        A.handler(a);
        B.handler(b);
        OpenAIClient client = openAi(createKey("burst-ws"));
        for (int i = 0; i < 10; i++) {
            HttpResponseFor<ChatCompletion> answer = complete(client, "burst");
            assertThat(answer.parse().choices().getFirst().message().content()).hasValue("Hello from upstream");
            assertThat(Integer.parseInt(header(answer, "Cairn-Attempts"))).isBetween(1, 2);
        }
        // Each request tried a at most once before b answered; a's breaker opened after its 4th failure
        // (window 4, 50%), so a saw fewer than the 10 requests.
        assertThat(a.calls()).isBetween(4, 6);
        assertThat(a.calls() + b.calls()).isLessThanOrEqualTo(20);
    }

    @Test
    void aDeploymentAloneIsRetriedUpToMaxAttemptsThenTheClientGetsTheError() {
        OpenAIClient client = openAi(createKey("solo-ws"));
        Faults.Script twice = Faults.times(2, Faults.unavailable());
        A.handler(Faults.byModel(Map.of("solo-twice", twice, "solo-always", Faults.always(Faults.unavailable()))));

        HttpResponseFor<ChatCompletion> answer = complete(client, "a/solo-twice");
        assertThat(answer.parse().choices().getFirst().message().content()).hasValue("Hello from upstream");
        assertThat(header(answer, "Cairn-Attempts")).isEqualTo("3");
        assertThat(twice.calls()).isEqualTo(3);

        int before = A.received().size();
        InternalServerException failed = catchThrowableOfType(InternalServerException.class,
                () -> complete(client, "a/solo-always"));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.headers().values("Cairn-Attempts")).containsExactly("3");
        assertThat(A.received().size() - before).isEqualTo(3); // cairn.routing.max-attempts
    }

    @Test
    void perGroupMaxAttemptsLimitsTheCalls() {
        Faults.Script a = Faults.always(Faults.unavailable());
        A.handler(a);
        OpenAIServiceException failed = catchThrowableOfType(OpenAIServiceException.class,
                () -> complete(openAi(createKey("capped-ws")), "capped"));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(a.calls()).isEqualTo(2);
    }

    @Test
    void a429MovesToAnotherDeploymentBeforeWaitingAndLeavesTheFirstAloneWhileItCools() {
        String workspace = "rl-ws";
        OpenAIClient client = openAi(createKey(workspace));
        Faults.Script a = Faults.times(1, Faults.rateLimited(3));
        Faults.Script b = Faults.always(Faults.ok());
        A.handler(a);
        B.handler(b);
        long start = System.nanoTime();
        HttpResponseFor<ChatCompletion> first = complete(client, "rl");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(header(first, "Cairn-Route")).isEqualTo("b/rl");
        assertThat(header(first, "Cairn-Attempts")).isEqualTo("2");
        assertThat(summary(attempts(workspace, header(first, "Cairn-Request-Id"))))
                .containsExactly("a/rl:http_429:retry", "b/rl:ok:answer");

        // a asked for 3 s: the next requests go straight to b.
        for (int i = 0; i < 3; i++) {
            assertThat(header(complete(client, "rl"), "Cairn-Route")).isEqualTo("b/rl");
        }
        assertThat(a.calls()).isEqualTo(1);
    }

    @Test
    void retryAfterIsHonouredWhenTheSameDeploymentIsRetried() {
        Faults.Script millis = Faults.times(1, Faults.rateLimitedMillis(400));
        Faults.Script seconds = Faults.times(1, Faults.rateLimited(1));
        A.handler(Faults.byModel(Map.of("wait-ms", millis, "wait-s", seconds)));
        OpenAIClient client = openAi(createKey("wait-ws"));

        assertThat(complete(client, "a/wait-ms").parse().choices()).hasSize(1);
        assertThat(millis.calls()).isEqualTo(2);
        assertThat(Duration.ofNanos(millis.callNanos().get(1) - millis.callNanos().get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        assertThat(complete(client, "a/wait-s").parse().choices()).hasSize(1);
        assertThat(seconds.calls()).isEqualTo(2);
        assertThat(Duration.ofNanos(seconds.callNanos().get(1) - seconds.callNanos().get(0))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aNonRetryable400GoesToTheClientAfterExactlyOneCall() {
        Faults.Script a = Faults.always(Faults.status(400, "invalid_value", "temperature is out of range"));
        Faults.Script b = Faults.always(Faults.ok());
        A.handler(a);
        B.handler(b);
        BadRequestException refused = catchThrowableOfType(BadRequestException.class,
                () -> complete(openAi(createKey("bad-ws")), "strict400"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.code()).hasValue("invalid_value");
        assertThat(refused.headers().values("Cairn-Attempts")).containsExactly("1");
        assertThat(a.calls()).isEqualTo(1);
        assertThat(b.calls()).isZero();
    }

    @Test
    void aRefusedConnectionGoesToTheNextDeployment() {
        String workspace = "refusing-ws";
        HttpResponseFor<ChatCompletion> answer = complete(openAi(createKey(workspace)), "refusing");
        assertThat(answer.parse().choices().getFirst().message().content()).hasValue("Hello from upstream");
        assertThat(header(answer, "Cairn-Route")).isEqualTo("a/refusing");
        List<JsonNode> attempts = attempts(workspace, header(answer, "Cairn-Request-Id"));
        assertThat(summary(attempts)).containsExactly("gone/refusing:unreachable:retry", "a/refusing:ok:answer");
        assertThat(attempts.getFirst().path("status").asInt()).isZero();
    }

    @Test
    void a200ThatIsNotJsonGoesToTheNextDeployment() {
        String workspace = "garbled-ws";
        Faults.Script a = Faults.always(Faults.malformed());
        A.handler(a);
        HttpResponseFor<ChatCompletion> answer = complete(openAi(createKey(workspace)), "garbled");
        assertThat(answer.parse().choices().getFirst().message().content()).hasValue("Hello from upstream");
        assertThat(summary(attempts(workspace, header(answer, "Cairn-Request-Id"))))
                .containsExactly("a/garbled:malformed:retry", "b/garbled:ok:answer");
    }

    @Test
    void aSlowDeploymentIsCutAtItsTimeoutAndAnotherAnswers() {
        A.handler(Faults.always(Faults.slowFirstByte(Duration.ofSeconds(2), Faults.ok())));
        String workspace = "slow-ws";
        long start = System.nanoTime();
        HttpResponseFor<ChatCompletion> answer = complete(openAi(createKey(workspace)), "slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(header(answer, "Cairn-Route")).isEqualTo("b/slow");
        assertThat(summary(attempts(workspace, header(answer, "Cairn-Request-Id"))))
                .containsExactly("a/slow:timeout:retry", "b/slow:ok:answer");
    }

    @Test
    void aDeploymentsOwnConnectTimeoutEndsAConnectThatNeverCompletes() {
        String workspace = "unanswered-ws";
        long start = System.nanoTime();
        HttpResponseFor<ChatCompletion> answer = complete(openAi(createKey(workspace)), "unanswered");
        // The deployment's 200 ms, not its provider's 1 s: the whole request well under a second.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
        assertThat(header(answer, "Cairn-Route")).isEqualTo("b/unanswered");
        assertThat(summary(attempts(workspace, header(answer, "Cairn-Request-Id"))))
                .containsExactly("mute/unanswered:timeout:retry", "b/unanswered:ok:answer");
    }

    @Test
    void aGroupsDeadlineEndsTheRequestWhateverAttemptsAreLeft() {
        Faults.Script a = Faults.always(Faults.slowFirstByte(Duration.ofSeconds(2), Faults.ok()));
        A.handler(a);
        long start = System.nanoTime();
        OpenAIServiceException late = catchThrowableOfType(OpenAIServiceException.class,
                () -> complete(openAi(createKey("hurried-ws")), "hurried"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(late.statusCode()).isEqualTo(504);
        assertThat(a.calls()).isEqualTo(1);
    }

    @Test
    void fallbacksAreFollowedDepthFirstThroughTheFallbacksOwnFallbacks() {
        String workspace = "chain-ws";
        A.handler(Faults.always(Faults.unavailable()));
        B.handler(Faults.always(Faults.status(500, null, "boom")));
        HttpResponseFor<ChatCompletion> answer = complete(openAi(createKey(workspace)), "primary");
        assertThat(answer.parse().choices().getFirst().message().content()).hasValue("Hello from upstream");
        assertThat(header(answer, "Cairn-Route")).isEqualTo("c/tertiary");
        List<JsonNode> attempts = attempts(workspace, header(answer, "Cairn-Request-Id"));
        assertThat(summary(attempts)).containsExactly(
                "a/primary:http_503:retry", "a/primary:http_503:retry", "a/primary:http_503:fallback",
                "b/secondary:http_500:retry", "b/secondary:http_500:retry", "b/secondary:http_500:fallback",
                "c/tertiary:ok:answer");
        assertThat(attempts.stream().map(a -> a.path("group").asString()).distinct()).containsExactly("primary", "secondary", "tertiary");
        assertThat(attempts.get(2).path("why").asString()).isEqualTo("attempts_exhausted");
    }

    @Test
    void aPromptTooLongForTheModelGoesToTheContextWindowFallback() {
        String workspace = "ctx-ws";
        Faults.Script a = Faults.always(Faults.contextTooLong());
        A.handler(a);
        HttpResponseFor<ChatCompletion> answer = complete(openAi(createKey(workspace)), "small");
        assertThat(header(answer, "Cairn-Route")).isEqualTo("b/large");
        assertThat(a.calls()).isEqualTo(1);
        List<JsonNode> attempts = attempts(workspace, header(answer, "Cairn-Request-Id"));
        assertThat(summary(attempts)).containsExactly("a/small:context_window:fallback", "b/large:ok:answer");
        assertThat(attempts.getFirst().path("why").asString()).isEqualTo("context_window");
    }

    @Test
    void aContentPolicyRefusalOrAFilteredAnswerGoesToTheContentPolicyFallback() {
        String workspace = "policy-ws";
        OpenAIClient client = openAi(createKey(workspace));
        Faults.Script a = Faults.times(1, Faults.contentPolicy()).then(Faults.contentFiltered());
        A.handler(a);

        HttpResponseFor<ChatCompletion> refused = complete(client, "strict");
        assertThat(header(refused, "Cairn-Route")).isEqualTo("b/lenient");
        assertThat(summary(attempts(workspace, header(refused, "Cairn-Request-Id"))))
                .containsExactly("a/strict:content_policy:fallback", "b/lenient:ok:answer");

        HttpResponseFor<ChatCompletion> filtered = complete(client, "strict");
        assertThat(filtered.parse().choices().getFirst().finishReason().asString()).isEqualTo("stop");
        assertThat(header(filtered, "Cairn-Route")).isEqualTo("b/lenient");
        List<JsonNode> attempts = attempts(workspace, header(filtered, "Cairn-Request-Id"));
        assertThat(summary(attempts)).containsExactly("a/strict:content_policy:fallback", "b/lenient:ok:answer");
        assertThat(attempts.getFirst().path("status").asInt()).isEqualTo(200);
        assertThat(a.calls()).isEqualTo(2);
    }

    @Test
    void aRequestNamesItsOwnFallbacksInModelsOrInTheCairnFallbacksHeader() {
        // Two deployments, so that the second request does not meet the breaker the first one's failures opened.
        A.handler(Faults.byModel(Map.of("own-failing", Faults.always(Faults.unavailable()),
                "own-failing-too", Faults.always(Faults.unavailable()))));
        OpenAIClient client = openAi(createKey("own-ws"));

        ChatCompletion viaBody = client.chat().completions().withRawResponse().create(chat("a/own-failing").toBuilder()
                .putAdditionalBodyProperty("models", JsonValue.from(List.of("a/own-failing", "b/own-ok"))).build()).parse();
        assertThat(viaBody.model()).isEqualTo("own-ok");
        assertThat(B.last().json().has("models")).isFalse();

        HttpResponse<String> viaHeader = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + createKey("own-ws"))
                .header("Cairn-Fallbacks", "c/own-ok")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"a/own-failing-too","messages":[{"role":"user","content":"hi"}]}""")).build());
        assertThat(viaHeader.statusCode()).as(viaHeader.body()).isEqualTo(200);
        assertThat(header(viaHeader, "Cairn-Route")).isEqualTo("c/own-ok");
        assertThat(header(viaHeader, "Cairn-Attempts")).isEqualTo("4");
    }

    @Test
    void aKeysAllowListCoversTheGroupAndItsFallbacks() {
        String workspace = "allow-ws";
        String key = createKey(workspace, "guarded", "permitted");
        OpenAIClient client = openAi(key);

        PermissionDeniedException named = catchThrowableOfType(PermissionDeniedException.class, () -> client.chat().completions()
                .create(chat("guarded").toBuilder().putAdditionalBodyProperty("models", JsonValue.from(List.of("forbidden"))).build()));
        assertThat(named.statusCode()).isEqualTo(403);
        assertThat(catchThrowableOfType(PermissionDeniedException.class, () -> complete(client, "forbidden")).statusCode())
                .isEqualTo(403);
        assertThat(A.received()).isEmpty();

        A.handler(Faults.always(Faults.unavailable()));
        HttpResponseFor<ChatCompletion> answer = complete(client, "guarded");
        assertThat(header(answer, "Cairn-Route")).isEqualTo("c/permitted");
        assertThat(B.received()).isEmpty();
        JsonNode routing = routing(workspace, header(answer, "Cairn-Request-Id"));
        assertThat(routing.path("skipped").valueStream().map(JsonNode::asString)).containsExactly("forbidden: not allowed for this key");
    }

    @Test
    void usageIsChargedToTheDeploymentThatAnswered() {
        String workspace = "charged-ws";
        String key = createKey(workspace);
        A.handler(Faults.always(Faults.unavailable()));
        HttpResponseFor<ChatCompletion> answer = complete(openAi(key), "charged");
        assertThat(header(answer, "Cairn-Route")).isEqualTo("b/charged");

        JsonNode byModel = json(get("/v1/usage?group_by=model", key)).path("data");
        assertThat(byModel.valueStream().map(row -> row.path("model").asString())).containsExactly("b/charged");
        JsonNode row = byModel.get(0);
        assertThat(row.path("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(row.path("completion_tokens").asInt()).isEqualTo(3);
        // b/charged's own price: 11 × $1/M + 3 × $2/M
        assertThat(row.path("cost_usd").asDouble()).isCloseTo(0.000017, org.assertj.core.data.Offset.offset(1e-12));
    }
}
