package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The gateway as a user meets it: the official OpenAI Java SDK against Cairn and a fake upstream. */
class GatewayEndToEndTest extends CairnServerTest {

    private ChatCompletionCreateParams.Builder chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    @Test
    void echoModelAnswersOfflineAndDeterministically() {
        OpenAIClient client = openAi(createKey("echo-ws"));
        ChatCompletion first = client.chat().completions().create(chat("cairn/echo", "the quick brown fox").build());
        ChatCompletion second = client.chat().completions().create(chat("cairn/echo", "the quick brown fox").build());

        assertThat(first.choices().getFirst().message().content()).contains("the quick brown fox");
        assertThat(first.usage().orElseThrow().completionTokens()).isEqualTo(4);
        // The same answer, but each answer is its own: an id shared by two answers was a bug.
        assertThat(second.choices().getFirst().message().content()).isEqualTo(first.choices().getFirst().message().content());
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(UPSTREAM.received()).isEmpty();
    }

    @Test
    void requestFieldsCairnDoesNotInterpretReachTheUpstreamAndResponseFieldsComeBack() {
        OpenAIClient client = openAi(createKey("pass-ws"));
        ChatCompletion completion = client.chat().completions().create(chat("fake/gpt-fake", "hi")
                .seed(42).n(2).logprobs(true)
                .putAdditionalBodyProperty("response_format", JsonValue.from(Map.of("type", "json_object")))
                .putAdditionalBodyProperty("tools", JsonValue.from(List.of(Map.of("type", "function",
                        "function", Map.of("name", "lookup", "parameters", Map.of("type", "object"))))))
                .putAdditionalBodyProperty("x_vendor_option", JsonValue.from(Map.of("depth", 3)))
                .build());

        FakeUpstream.Received received = UPSTREAM.last();
        JsonNode sent = received.json();
        assertThat(received.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.get("model").stringValue()).isEqualTo("gpt-fake");
        assertThat(sent.get("seed").intValue()).isEqualTo(42);
        assertThat(sent.get("n").intValue()).isEqualTo(2);
        assertThat(sent.get("logprobs").booleanValue()).isTrue();
        assertThat(sent.get("response_format").get("type").stringValue()).isEqualTo("json_object");
        assertThat(sent.get("tools").get(0).get("function").get("name").stringValue()).isEqualTo("lookup");
        assertThat(sent.get("x_vendor_option").get("depth").intValue()).isEqualTo(3);
        // The upstream sees the provider's key, never the client's Cairn key.
        assertThat(FakeUpstream.flat(received.headers()).get("Authorization")).isEqualTo("Bearer sk-upstream-secret");

        assertThat(completion.choices().getFirst().message().content()).contains("Hello from upstream");
        assertThat(completion.systemFingerprint()).contains("fp_fake");
        assertThat(completion._additionalProperties()).containsKey("x_upstream_extra");
    }

    @Test
    void aliasRoutesToItsProviderAndModel() {
        openAi(createKey("alias-ws")).chat().completions().create(chat("fast", "hi").build());
        assertThat(UPSTREAM.last().json().get("model").stringValue()).isEqualTo("gpt-fake");
    }

    @Test
    void modelPartMayContainSlashes() {
        openAi(createKey("slash-ws")).chat().completions().create(chat("fake/anthropic/claude-sonnet-4", "hi").build());
        assertThat(UPSTREAM.last().json().get("model").stringValue()).isEqualTo("anthropic/claude-sonnet-4");
    }

    @Test
    void streamingThroughTheSdk() {
        OpenAIClient client = openAi(createKey("stream-ws"));
        try (StreamResponse<ChatCompletionChunk> stream =
                     client.chat().completions().createStreaming(chat("fake/gpt-fake", "hi").build())) {
            String text = stream.stream()
                    .flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse(""))
                    .collect(Collectors.joining());
            assertThat(text).isEqualTo("Hello from upstream");
        }
        assertThat(UPSTREAM.last().json().get("stream_options").get("include_usage").booleanValue()).isTrue();
    }

    @Test
    void streamingEchoThroughTheSdk() {
        OpenAIClient client = openAi(createKey("stream-echo-ws"));
        try (StreamResponse<ChatCompletionChunk> stream =
                     client.chat().completions().createStreaming(chat("cairn/echo", "one two three").build())) {
            assertThat(stream.stream().flatMap(c -> c.choices().stream())
                    .map(c -> c.delta().content().orElse("")).collect(Collectors.joining())).isEqualTo("one two three");
        }
    }

    @Test
    void usageChunkIsHiddenUnlessTheClientAsksForIt() {
        String key = createKey("usage-chunk-ws");
        List<String> without = streamLines(key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        List<String> with = streamLines(key, """
                {"model":"fake/gpt-fake","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"hi"}]}""");

        assertThat(without).noneMatch(line -> line.contains("\"usage\""));
        assertThat(without.getLast()).isEqualTo("data: [DONE]");
        assertThat(with).anyMatch(line -> line.contains("\"prompt_tokens\":11"));
        assertThat(with.getLast()).isEqualTo("data: [DONE]");
    }

    private List<String> streamLines(String key, String body) {
        HttpResponse<String> response = post("/v1/chat/completions", key, body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        return response.body().lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void chunksReachTheClientWhileTheUpstreamIsStillGenerating() throws Exception {
        CountDownLatch clientSawFirstChunk = new CountDownLatch(1);
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            // A finished word: the answer's guard holds back only a word that may still be growing
            // into a key or an address (StreamScreenTest), so this one goes straight on.
            FakeUpstream.event(out, """
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"first "},"finish_reason":null}]}""");
            // The rest only comes once the client has the first chunk: a buffering gateway deadlocks here.
            clientSawFirstChunk.await(10, TimeUnit.SECONDS);
            FakeUpstream.event(out, """
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"second"},"finish_reason":"stop"}]}""");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + createKey("nobuffer-ws"))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        long start = System.nanoTime();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            long firstChunkMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(first).contains("\"first \"");
            assertThat(firstChunkMillis).as("first chunk arrived before the upstream was released").isLessThan(5_000);
            clientSawFirstChunk.countDown();
            List<String> rest = new ArrayList<>();
            for (String line; (line = reader.readLine()) != null; ) {
                rest.add(line);
            }
            assertThat(rest).anyMatch(l -> l.contains("second")).contains("data: [DONE]");
        }
    }

    @Test
    void clientThatDisconnectsMidStreamCancelsTheUpstreamCall() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        AtomicLong failedAt = new AtomicLong();
        CountDownLatch upstreamStopped = new CountDownLatch(1);
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            try {
                for (int i = 0; i < 400; i++) {
                    FakeUpstream.event(out, """
                            {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tok%d "},"finish_reason":null}]}"""
                            .formatted(i));
                    sent.incrementAndGet();
                    Thread.sleep(25);
                }
            } catch (java.io.IOException e) {
                failedAt.set(System.nanoTime());
            } finally {
                upstreamStopped.countDown();
            }
        });
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + createKey("cancel-ws"))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).contains("tok0");
        response.body().close(); // the client goes away after the first chunk

        assertThat(upstreamStopped.await(8, TimeUnit.SECONDS)).as("upstream call was cancelled").isTrue();
        assertThat(failedAt.get()).as("the upstream saw its connection closed").isNotZero();
        assertThat(sent.get()).isLessThan(400);
    }

    @Test
    void modelsListMarksTheBuiltInEchoModelAndShowsAliases() {
        OpenAIClient client = openAi(createKey("models-ws"));
        List<Model> models = client.models().list().data();
        Model echo = models.stream().filter(m -> m.id().equals("cairn/echo")).findFirst().orElseThrow();

        assertThat(echo._additionalProperties().get("cairn").toString()).contains("builtin").contains("not a language model");
        assertThat(models).extracting(Model::id).contains("fake/gpt-fake", "fast");
        assertThat(client.models().retrieve("fast").ownedBy()).isEqualTo("fake");
        assertThat(client.models().retrieve("cairn/echo").id()).isEqualTo("cairn/echo");
    }

    @Test
    void anyProviderModelCanBeLookedUpEvenWithSlashes() {
        HttpResponse<String> response = get("/v1/models/fake/anthropic/claude-sonnet-4", createKey("lookup-ws"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("id").stringValue()).isEqualTo("fake/anthropic/claude-sonnet-4");
        assertThat(get("/v1/models/nope/x", createKey("lookup-ws")).statusCode()).isEqualTo(404);
    }

    @Test
    void embeddingsFromEchoAndFromTheUpstream() {
        OpenAIClient client = openAi(createKey("emb-ws"));
        CreateEmbeddingResponse echo = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("cairn/echo").input("hello world").build());
        CreateEmbeddingResponse again = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("cairn/echo").input("hello world").build());
        assertThat(echo.data().getFirst().embedding()).hasSize(384).isEqualTo(again.data().getFirst().embedding());

        CreateEmbeddingResponse upstream = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("fake/text-embed").input("hello").encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        assertThat(upstream.data().getFirst().embedding()).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(UPSTREAM.last().path()).isEqualTo("/v1/embeddings");
        assertThat(UPSTREAM.last().json().get("model").stringValue()).isEqualTo("text-embed");
    }

    @Test
    void unknownModelIsA404() {
        assertThatThrownBy(() -> openAi(createKey("err-ws")).chat().completions().create(chat("gpt-nowhere", "hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).contains("model_not_found"));
    }

    @Test
    void badKeyIsA401AndModelOutsideAllowListA403() {
        assertThatThrownBy(() -> openAi(randomKey()).chat().completions().create(chat("cairn/echo", "hi").build()))
                .isInstanceOf(UnauthorizedException.class);
        OpenAIClient limited = openAi(createKey("limited-ws", "cairn/echo"));
        assertThat(limited.chat().completions().create(chat("cairn/echo", "ok").build()).choices()).hasSize(1);
        assertThatThrownBy(() -> limited.chat().completions().create(chat("fake/gpt-fake", "hi").build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> assertThat(e.code()).contains("model_not_allowed"));
    }

    @Test
    void upstreamClientErrorKeepsItsStatusAndMessage() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 400, """
                {"error":{"message":"This model's maximum context length is 8192 tokens","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"""));
        assertThatThrownBy(() -> openAi(createKey("up4-ws")).chat().completions().create(chat("fake/gpt-fake", "hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).contains("maximum context length is 8192");
                    assertThat(e.code()).contains("context_length_exceeded");
                });
    }

    @Test
    void upstreamServerErrorIsA502() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 503, "{\"error\":{\"message\":\"overloaded\"}}"));
        assertThatThrownBy(() -> openAi(createKey("up5-ws")).chat().completions().create(chat("fake/gpt-fake", "hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("overloaded");
                });
    }

    @Test
    void aSuccessfulAnswerThatIsNotAJsonObjectIsA502() {
        String key = createKey("not-object-ws");
        String[][] answers = {{"not json", "answer is not valid JSON"}, {"{\"id\":\"c\",", "answer is not valid JSON"},
                {"[1,2]", "answer is not a JSON object"}, {"\"text\"", "answer is not a JSON object"}};
        for (String[] answer : answers) {
            UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 200, answer[0]));
            HttpResponse<String> response = post("/v1/chat/completions", key, """
                    {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}]}""");
            assertThat(response.statusCode()).as(answer[0]).isEqualTo(502);
            JsonNode error = json(response).get("error");
            assertThat(error.get("code").stringValue()).as(answer[0]).isEqualTo("upstream_failed");
            assertThat(error.get("message").stringValue()).as(answer[0]).contains(answer[1]);
        }
    }

    @Test
    void anAnswerTheAuditLogCannotRecordIsA502AndTheFailureIsRecorded() {
        // "\\ud800" parses but is not Unicode text; canonical JSON, and so the audit entry, cannot hold it.
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"half \\ud800"},"finish_reason":"stop"}]}"""));
        String key = createKey("unrecordable-ws");
        HttpResponse<String> plain = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}]}""");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(502);
        JsonNode error = json(plain).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("upstream_failed");
        assertThat(error.get("message").stringValue()).contains("lone UTF-16 surrogate").contains("choices[0].message.content");
        JsonNode entry = auditEntry(plain, key);
        assertThat(entry.path("data").path("status").asInt()).isEqualTo(502);
        assertThat(entry.path("data").path("error").path("code").asString()).isEqualTo("upstream_failed");

        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            FakeUpstream.event(exchange.getResponseBody(), """
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"half \\udc00"},"finish_reason":"stop"}]}""");
            FakeUpstream.event(exchange.getResponseBody(), "[DONE]");
        });
        List<String> lines = streamLines(key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(lines.get(lines.size() - 2)).contains("\"upstream_failed\"").contains("choices[0].message.content");
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    }

    private JsonNode auditEntry(HttpResponse<String> answer, String key) {
        HttpResponse<String> found = get("/v1/audit/requests/" + answer.headers().firstValue("Cairn-Request-Id").orElseThrow(), key);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        return json(found).get("entry");
    }

    @Test
    void anUpstreamRefusalWithBrokenTextKeepsItsStatusAndIsRecorded() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 400, """
                {"error":{"message":"bad \\ud800 input","type":"invalid_request_error","code":"odd\\udfff"}}"""));
        String key = createKey("refusal-ws");
        HttpResponse<String> refused = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"hi"}]}""");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(json(refused).get("error").get("message").stringValue()).isEqualTo("bad \uFFFD input");
        JsonNode entry = auditEntry(refused, key);
        assertThat(entry.path("data").path("status").asInt()).isEqualTo(400);
        assertThat(entry.path("data").path("error").path("code").asString()).isEqualTo("odd\uFFFD");
    }

    @Test
    void unreachableUpstreamIsA502() {
        assertThatThrownBy(() -> openAi(createKey("dead-ws")).chat().completions().create(chat("dead/any", "hi").build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.code()).contains("upstream_unreachable");
                });
    }

    @Test
    void upstreamSlowerThanTheReadTimeoutIsA504() {
        UPSTREAM.handler((exchange, request) -> {
            Thread.sleep(4_000);
            FakeUpstream.openAi(exchange, request);
        });
        assertThatThrownBy(() -> openAi(createKey("slow-ws")).chat().completions().create(chat("fake/gpt-fake", "hi").build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(504);
                    assertThat(e.code()).contains("upstream_timeout");
                });
    }

    @Test
    void upstreamThatNeverAnswersTheConnectIsA504AfterTheConnectTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> openAi(createKey("silent-ws")).chat().completions().create(chat("silent/any", "hi").build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(504);
                    assertThat(e.code()).contains("upstream_timeout");
                });
        // The provider's 300 ms connect timeout, not the 5 s default nor the 30 s read timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void streamCutShortBeforeDoneEndsWithAnErrorEvent() {
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            FakeUpstream.event(exchange.getResponseBody(), """
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"partial "},"finish_reason":null}]}""");
        });
        List<String> lines = streamLines(createKey("cut-ws"), """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(lines.getFirst()).contains("partial");
        assertThat(lines.get(lines.size() - 2)).contains("\"upstream_failed\"").contains("[DONE]");
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
    }

    @Test
    void upstreamFailureBeforeTheFirstChunkIsAPlainErrorResponse() {
        UPSTREAM.handler((exchange, request) -> FakeUpstream.json(exchange, 429, """
                {"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"""));
        HttpResponse<String> response = post("/v1/chat/completions", createKey("stream-err-ws"), """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(json(response).get("error").get("message").stringValue()).isEqualTo("Rate limit reached");
    }
}
