package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.openai.core.http.HttpResponseFor;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Rate limits and budgets through the real HTTP server with buckets in this process: exact
 * admission under concurrency, headers on every response, streams and embeddings, token estimates
 * settled with real usage, budgets from costs, and every refusal in the audit log, the usage
 * ledger and the metrics. Each test has its own workspace, limited under cairn.limits.workspaces.
 */
class LimitsEndToEndTest extends CairnServerTest {

    static final String CHAT = "/v1/chat/completions";
    static final String HELLO = """
            {"model":"%s","messages":[{"role":"user","content":"hello there"}]%s}""";

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("cairn.limits.store", () -> "local");
        registry.add("cairn.limits.trusted-proxies[0]", () -> "127.0.0.1");
        registry.add("cairn.limits.workspaces.lim-burst.key.requests-per-day", () -> "40");
        registry.add("cairn.limits.workspaces.lim-headers.key.requests-per-minute", () -> "100");
        registry.add("cairn.limits.workspaces.lim-headers.key.tokens-per-minute", () -> "100000");
        registry.add("cairn.limits.workspaces.lim-stream.key.requests-per-day", () -> "2");
        registry.add("cairn.limits.workspaces.lim-sdk.key.requests-per-day", () -> "1");
        registry.add("cairn.limits.workspaces.lim-users.key.requests-per-day", () -> "100");
        registry.add("cairn.limits.workspaces.lim-users.user.requests-per-day", () -> "2");
        registry.add("cairn.limits.workspaces.lim-tokens.key.tokens-per-day", () -> "1000");
        registry.add("cairn.limits.workspaces.lim-ip.ip.requests-per-day", () -> "2");
        registry.add("cairn.limits.workspaces.lim-embed.key.requests-per-day", () -> "1");
        registry.add("cairn.limits.workspaces.lim-budget-key.key.daily-budget-usd", () -> "0.02");
        registry.add("cairn.limits.workspaces.lim-budget-ws.workspace.daily-budget-usd", () -> "0.02");
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void parallelRequestsAdmitExactlyTheLimitAndRefuseTheRestWithHeaders() throws Exception {
        String key = createKey("lim-burst");
        int threads = 64;
        int perThread = 3;
        List<HttpResponse<String>> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<HttpResponse<String>>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    List<HttpResponse<String>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(post(CHAT, key, HELLO.formatted("cairn/echo", "")));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<List<HttpResponse<String>>> future : futures) {
                responses.addAll(future.get());
            }
        }
        List<HttpResponse<String>> admitted = responses.stream().filter(r -> r.statusCode() == 200).toList();
        List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertThat(admitted).as("a day's limit cannot refill during the test").hasSize(40);
        assertThat(refused).hasSize(threads * perThread - 40);
        for (HttpResponse<String> response : refused) {
            assertThat(header(response, "x-ratelimit-limit-requests")).isEqualTo("40");
            assertThat(header(response, "x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(Long.parseLong(header(response, "Retry-After"))).isBetween(2000L, 2160L); // a day / 40
            JsonNode error = json(response).get("error");
            assertThat(error.get("code").asString()).isEqualTo("rate_limit_exceeded");
            assertThat(error.get("type").asString()).isEqualTo("requests");
            assertThat(error.get("message").asString()).contains("requests per day (RPD) of key key_");
        }
        assertThat(admitted).allSatisfy(r -> assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("40"));
        assertThat(admitted.stream().map(r -> header(r, "x-ratelimit-remaining-requests")).distinct().count())
                .as("each admitted request saw its own remaining count").isEqualTo(40);
    }

    @Test
    void headersComeOnSuccessesAndOnErrorsBeforeAndAfterAdmission() {
        String key = createKey("lim-headers");
        HttpResponse<String> ok = post(CHAT, key, HELLO.formatted("fake/gpt-fake", ",\"max_tokens\":100"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(header(ok, "x-ratelimit-limit-requests")).isEqualTo("100");
        assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo("99");
        assertThat(header(ok, "x-ratelimit-reset-requests")).isEqualTo("600ms");
        assertThat(header(ok, "x-ratelimit-limit-tokens")).isEqualTo("100000");
        assertThat(header(ok, "x-ratelimit-remaining-tokens")).as("8 prompt tokens and max_tokens 100").isEqualTo("99892");
        assertThat(header(ok, "x-ratelimit-reset-tokens")).as("108 tokens at 100000 a minute: 64.8 ms, rounded up")
                .isEqualTo("65ms");

        HttpResponse<String> badJson = post(CHAT, key, "{not json");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(header(badJson, "x-ratelimit-limit-requests")).isEqualTo("100");
        assertThat(header(badJson, "x-ratelimit-remaining-requests")).isIn("99", "100");
        assertThat(header(badJson, "x-ratelimit-limit-tokens")).isEqualTo("100000");
        assertThat(header(badJson, "x-ratelimit-reset-tokens")).isNotNull();

        HttpResponse<String> unknownModel = post(CHAT, key, HELLO.formatted("nowhere/model", ""));
        assertThat(unknownModel.statusCode()).isEqualTo(404);
        assertThat(header(unknownModel, "x-ratelimit-limit-requests")).isEqualTo("100");
        assertThat(header(unknownModel, "x-ratelimit-remaining-requests")).as("errors before admission take nothing")
                .isIn("99", "100");
        assertThat(header(unknownModel, "x-ratelimit-remaining-tokens")).isNotNull();

        HttpResponse<String> upstreamDown = post(CHAT, key, HELLO.formatted("dead/model", ""));
        assertThat(upstreamDown.statusCode()).isEqualTo(502);
        assertThat(header(upstreamDown, "x-ratelimit-remaining-requests")).isIn("98", "99");

        HttpResponse<String> unlimited = post(CHAT, createKey("lim-none"), HELLO.formatted("cairn/echo", ""));
        assertThat(unlimited.statusCode()).isEqualTo(200);
        assertThat(header(unlimited, "x-ratelimit-limit-requests")).as("no limits, no headers").isNull();
    }

    @Test
    void streamedRequestsAreLimitedAndCarryTheHeaders() {
        String key = createKey("lim-stream");
        String stream = HELLO.formatted("fake/gpt-fake", ",\"stream\":true");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = post(CHAT, key, stream);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("data: [DONE]");
            assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(1 - i));
        }
        HttpResponse<String> refused = post(CHAT, key, stream);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Content-Type")).startsWith("application/json");
        assertThat(json(refused).get("error").get("code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(UPSTREAM.received()).as("the refused stream never reached the provider").hasSize(2);
    }

    @Test
    void theOpenAiSdkSeesARateLimitExceptionAndTheRefusalIsRecorded() {
        String key = createKey("lim-sdk");
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("fake/gpt-fake")
                .addUserMessage("hello there").build();
        HttpResponseFor<ChatCompletion> ok = openAi(key).chat().completions().withRawResponse().create(params);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().values("x-ratelimit-limit-requests")).containsExactly("1");
        assertThat(ok.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        assertThat(ok.headers().values("x-ratelimit-reset-requests")).containsExactly("24h0m0s");
        assertThat(ok.parse().choices().getFirst().message().content()).hasValue("Hello from upstream");

        RateLimitException refused = catchThrowableOfType(RateLimitException.class,
                () -> openAi(key).chat().completions().create(params));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.code()).hasValue("rate_limit_exceeded");
        assertThat(refused.type()).hasValue("requests");
        assertThat(refused.headers().values("Retry-After")).hasSize(1);
        assertThat(refused.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        String requestId = refused.headers().values("Cairn-Request-Id").getFirst();

        String auditor = createKeyWithRole("lim-sdk", "auditor");
        JsonNode entry = json(get("/v1/audit/requests/" + requestId, auditor)).get("entry");
        assertThat(entry.path("data").path("status").asInt()).isEqualTo(429);
        assertThat(entry.path("data").path("error").path("code").asString()).isEqualTo("rate_limit_exceeded");

        JsonNode usage = json(get("/v1/usage?group_by=key", key)).get("data");
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).get("requests").asLong()).isEqualTo(2);
        assertThat(usage.get(0).get("errors").asLong()).isEqualTo(1);

        String metrics = get("/metrics", ADMIN_KEY).body();
        assertThat(metrics).containsPattern("cairn_limits_rejections_total\\{dimension=\"key\",limit=\"requests\"} [1-9]");
        assertThat(metrics).containsPattern("cairn_requests_total\\{model=\"fake/gpt-fake\",route=\"chat.completions\",status=\"429\"} [1-9]");
    }

    @Test
    void aRefusedRequestTakesFromNoneOfItsBuckets() {
        String key = createKey("lim-users");
        String alice = HELLO.formatted("cairn/echo", ",\"user\":\"alice\"");
        assertThat(post(CHAT, key, alice).statusCode()).isEqualTo(200);
        assertThat(post(CHAT, key, alice).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = post(CHAT, key, alice);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("error").get("message").asString()).contains("of user 'alice'");
        assertThat(header(refused, "x-ratelimit-limit-requests")).as("the user's bucket refused").isEqualTo("2");

        HttpResponse<String> bob = post(CHAT, key, HELLO.formatted("cairn/echo", ",\"user\":\"bob\""));
        assertThat(bob.statusCode()).isEqualTo(200);
        assertThat(header(bob, "x-ratelimit-remaining-requests")).isEqualTo("1");
        HttpResponse<String> anonymous = post(CHAT, key, HELLO.formatted("cairn/echo", ""));
        assertThat(header(anonymous, "x-ratelimit-limit-requests")).isEqualTo("100");
        assertThat(header(anonymous, "x-ratelimit-remaining-requests"))
                .as("alice twice, bob, this one: the refusal took nothing from the key").isEqualTo("96");
    }

    @Test
    void tokensAreChargedAnEstimateAndSettledWithTheReportedUsage() {
        String key = createKey("lim-tokens");
        // "hello there" is 2 tokens; with OpenAI's framing the prompt is estimated at 8.
        HttpResponse<String> first = post(CHAT, key, HELLO.formatted("fake/gpt-fake", ",\"max_tokens\":400"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-remaining-tokens")).as("8 + 400 taken before the call").isEqualTo("592");

        HttpResponse<String> second = post(CHAT, key, HELLO.formatted("fake/gpt-fake", ""));
        assertThat(header(second, "x-ratelimit-remaining-tokens"))
                .as("the first settled at its 14 reported tokens, the second estimated at 8").isEqualTo("978");

        HttpResponse<String> tooLarge = post(CHAT, key, HELLO.formatted("fake/gpt-fake", ",\"max_tokens\":5000"));
        assertThat(tooLarge.statusCode()).isEqualTo(429);
        JsonNode error = json(tooLarge).get("error");
        assertThat(error.get("type").asString()).isEqualTo("tokens");
        assertThat(error.get("message").asString()).startsWith("Request too large for tokens per day (TPD)")
                .contains("limit 1000, requested 5008");

        HttpResponse<String> failed = post(CHAT, key, HELLO.formatted("dead/model", ",\"max_tokens\":100"));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(header(failed, "x-ratelimit-remaining-tokens")).isEqualTo("864");
        HttpResponse<String> after = post(CHAT, key, HELLO.formatted("fake/gpt-fake", ""));
        assertThat(header(after, "x-ratelimit-remaining-tokens"))
                .as("second settled at 14; the failed call gave its 108 back; this one estimated at 8").isEqualTo("964");
    }

    @Test
    void addressLimitsFollowForwardedForThroughATrustedProxy() {
        String key = createKey("lim-ip");
        for (int i = 0; i < 2; i++) {
            assertThat(fromAddress(key, "198.51.100.1").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = fromAddress(key, "198.51.100.1");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("error").get("message").asString()).contains("of ip 198.51.100.1");
        assertThat(fromAddress(key, "198.51.100.2").statusCode()).as("another client behind the proxy").isEqualTo(200);
    }

    private HttpResponse<String> fromAddress(String key, String address) {
        return send(HttpRequest.newBuilder(URI.create(url(CHAT)))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(HELLO.formatted("cairn/echo", ""))).build());
    }

    @Test
    void embeddingsAreLimited() {
        String key = createKey("lim-embed");
        String body = "{\"model\":\"fake/text-embedding\",\"input\":\"hello\"}";
        HttpResponse<String> ok = post("/v1/embeddings", key, body);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo("0");
        HttpResponse<String> refused = post("/v1/embeddings", key, body);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "Retry-After")).isNotNull();
    }

    /** A provider that reports 1000 prompt and 1000 completion tokens: $0.0125 a call at fake/gpt-fake's prices. */
    private static void expensiveAnswers() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-fake",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"long"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}"""));
    }

    @Test
    void aKeysDailyBudgetRefusesOnceItsCostsReachIt() {
        expensiveAnswers();
        String key = createKey("lim-budget-key");
        String body = HELLO.formatted("fake/gpt-fake", "");
        assertThat(post(CHAT, key, body).statusCode()).isEqualTo(200);
        assertThat(post(CHAT, key, body).statusCode()).as("$0.0125 spent of $0.02").isEqualTo(200);
        HttpResponse<String> refused = post(CHAT, key, body);
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("type").asString()).isEqualTo("insufficient_quota");
        assertThat(error.get("code").asString()).isEqualTo("budget_exceeded");
        assertThat(error.get("message").asString()).startsWith("The daily budget of key key_")
                .contains("$0.0250 of $0.0200 this UTC day");
        assertThat(Long.parseLong(header(refused, "Retry-After"))).as("until UTC midnight").isBetween(1L, 86_400L);
        assertThat(UPSTREAM.received()).hasSize(2);
        assertThat(post(CHAT, createKey("lim-budget-key"), body).statusCode()).as("another key's budget is its own")
                .isEqualTo(200);
    }

    @Test
    void aWorkspacesDailyBudgetCountsTheCostsOfAllItsKeys() {
        expensiveAnswers();
        String first = createKey("lim-budget-ws");
        String second = createKey("lim-budget-ws");
        String body = HELLO.formatted("fake/gpt-fake", "");
        assertThat(post(CHAT, first, body).statusCode()).isEqualTo(200);
        assertThat(post(CHAT, second, body).statusCode()).isEqualTo(200);
        for (String key : List.of(first, second)) {
            HttpResponse<String> refused = post(CHAT, key, body);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(json(refused).get("error").get("message").asString())
                    .startsWith("The daily budget of workspace lim-budget-ws is spent");
        }
        assertThat(get("/metrics", ADMIN_KEY).body())
                .containsPattern("cairn_limits_rejections_total\\{dimension=\"workspace\",limit=\"daily_budget\"} [2-9]");
    }

    @Test
    void aRequestWithoutAKeyGetsNoLimitHeaders() {
        assertThatThrownBy(() -> openAi("ck_not-a-real-key-at-all-0000000000000").chat().completions()
                .create(ChatCompletionCreateParams.builder().model("cairn/echo").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class,
                        e -> assertThat(e.headers().values("x-ratelimit-limit-requests")).isEmpty());
    }
}
