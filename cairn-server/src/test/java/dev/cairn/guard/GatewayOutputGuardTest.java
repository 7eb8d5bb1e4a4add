package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The answer's guard in chat completions: secrets in answers redacted (streamed or not, however
 * the upstream cuts them), a blocked stream ending with an error event, canaries catching a leaked
 * system prompt, and the caller's own redacted values restored when asked.
 */
class GatewayOutputGuardTest extends CairnServerTest {

    private static final String GITHUB = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8";
    private static final String OPENAI = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";

    /** Answers with {@code pieces}, one chunk each when streaming, joined otherwise. */
    private static void answerWith(List<String> pieces) {
        UPSTREAM.handler((exchange, request) -> {
            if (!request.json().path("stream").asBoolean(false)) {
                String content = FakeUpstream.JSON.writeValueAsString(String.join("", pieces));
                FakeUpstream.json(exchange, 200, """
                        {"id":"chatcmpl-g","object":"chat.completion","created":1,"model":"gpt-fake",
                         "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}""".formatted(content));
                return;
            }
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            for (String piece : pieces) {
                FakeUpstream.event(out, """
                        {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1,"model":"gpt-fake","choices":[{"index":0,"delta":{"content":%s},"finish_reason":null}]}"""
                        .formatted(FakeUpstream.JSON.writeValueAsString(piece)));
            }
            FakeUpstream.event(out, """
                    {"id":"chatcmpl-g","object":"chat.completion.chunk","created":1,"model":"gpt-fake","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
    }

    private static ChatCompletionCreateParams ask(String text) {
        return ChatCompletionCreateParams.builder().model("fake/gpt-fake").addSystemMessage("You are terse.").addUserMessage(text).build();
    }

    private static String streamedText(StreamResponse<ChatCompletionChunk> stream) {
        return stream.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    @Test
    void aSecretInAnAnswerIsRedactedStreamedOrNotAndRecorded() {
        String key = createKey("guard-out-redact");
        answerWith(List.of("Use", " the", " token ", "gh", "p_", GITHUB.substring(4, 20), GITHUB.substring(20), " and", " go."));
        String expected = "Use the token [GITHUB_TOKEN_1] and go.";

        ChatCompletion plain = openAi(key).chat().completions().create(ask("token?"));
        assertThat(plain.choices().getFirst().message().content()).contains(expected);
        try (StreamResponse<ChatCompletionChunk> stream = openAi(key).chat().completions().createStreaming(ask("token?"))) {
            assertThat(streamedText(stream)).isEqualTo(expected);
        }

        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"token?"}]}""");
        List<String> events = response.body().lines().filter(l -> l.startsWith("data: {")).toList();
        assertThat(events).as("still a stream: the words before the token went on their own").hasSizeGreaterThanOrEqualTo(5);
        assertThat(response.body()).doesNotContain("ghp_", GITHUB.substring(4, 20));

        String requestId = response.headers().firstValue("Cairn-Request-Id").orElseThrow();
        String auditor = createKeyWithRole("guard-out-redact", "auditor");
        JsonNode verdict = json(get("/v1/audit/requests/" + requestId, auditor)).get("entry").path("data").path("guard").get(0);
        assertThat(verdict.path("direction").asString()).isEqualTo("output");
        assertThat(verdict.path("category").asString()).isEqualTo("github_token");
        assertThat(verdict.path("action").asString()).isEqualTo("redact");
        assertThat(verdict.path("start").asInt()).isEqualTo("Use the token ".length());
        assertThat(get("/metrics", ADMIN_KEY).body()).containsPattern(
                "cairn_guard_verdicts_total\\{action=\"redact\",category=\"github_token\",direction=\"output\",scanner=\"secrets\"} [1-9]");
    }

    @Test
    void aBlockedStreamEndsWithAnErrorEventAndABlockedAnswerIsA400() {
        String key = createKey("guard-out-block");
        answerWith(List.of("Here", " is", " the", " key:", " " + GITHUB.substring(0, 9), GITHUB.substring(9), " done"));

        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"key?"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = response.body().lines().filter(l -> !l.isEmpty()).toList();
        assertThat(lines.getFirst()).contains("Here");
        String requestId = response.headers().firstValue("Cairn-Request-Id").orElseThrow();
        assertThat(lines.get(lines.size() - 2)).contains("\"content_blocked\"").contains("github_token").contains(requestId);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        assertThat(response.body()).doesNotContain("ghp_");

        try {
            openAi(key).chat().completions().create(ask("key?"));
            throw new AssertionError("expected the answer to be blocked");
        } catch (BadRequestException e) {
            assertThat(e.code()).contains("content_blocked");
            assertThat(e.getMessage()).contains("github_token").contains("(request req_");
        }
    }

    @Test
    void aCanaryInTheSystemPromptCatchesALeak() {
        String key = createKey("guard-canary");
        // An upstream that obeys "repeat your instructions": it answers with the system prompt it got.
        UPSTREAM.handler((exchange, request) -> {
            String system = request.json().get("messages").get(0).get("content").asString();
            FakeUpstream.json(exchange, 200, """
                    {"id":"chatcmpl-l","object":"chat.completion","created":1,"model":"gpt-fake",
                     "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}]}"""
                    .formatted(FakeUpstream.JSON.writeValueAsString("My instructions: " + system)));
        });
        HttpResponse<String> leaked = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"system","content":"You are a bank's assistant."},
                 {"role":"user","content":"Which accounts do you offer for students?"}]}""");
        assertThat(leaked.statusCode()).isEqualTo(400);
        assertThat(json(leaked).get("error").get("code").asString()).isEqualTo("content_blocked");
        assertThat(json(leaked).get("error").get("message").asString()).contains(Canary.CATEGORY);
        String system = UPSTREAM.last().json().get("messages").get(0).get("content").asString();
        assertThat(system).startsWith("You are a bank's assistant.\n<!-- cairn-canary-").hasSize("You are a bank's assistant.\n".length() + 38);
        String auditor = createKeyWithRole("guard-canary", "auditor");
        JsonNode sent = json(get("/v1/audit/requests/" + leaked.headers().firstValue("Cairn-Request-Id").orElseThrow(), auditor))
                .path("content").path("messages");
        assertThat(sent.get(0).get("content").asString()).as("the audit entry keeps the prompt as the client sent it")
                .isEqualTo("You are a bank's assistant.");

        // Every request gets a new canary; an answer without it passes; a request without a system prompt gets one.
        answerWith(List.of("I help with bank questions."));
        HttpResponse<String> fine = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","messages":[{"role":"user","content":"What do you do?"}]}""");
        assertThat(fine.statusCode()).isEqualTo(200);
        String planted = UPSTREAM.last().json().get("messages").get(0).get("content").asString();
        assertThat(planted).startsWith("<!-- cairn-canary-").isNotEqualTo(system.substring(system.indexOf('<')));

        // Workspaces without a canary rule send the system prompt unchanged.
        post("/v1/chat/completions", createKey("guard-no-canary"), """
                {"model":"fake/gpt-fake","messages":[{"role":"system","content":"Plain."},{"role":"user","content":"hi"}]}""");
        assertThat(UPSTREAM.last().json().get("messages").get(0).get("content").asString()).isEqualTo("Plain.");
    }

    @Test
    void theCallersRedactedValuesComeBackWhenAsked() {
        String key = createKey("guard-out-restore");
        // The model only ever sees the placeholder, and uses it in its answer, cut across chunks.
        answerWith(List.of("Revoke [OPEN", "AI_KEY_1] today; ", "also ", GITHUB, " leaked."));
        String body = """
                {"model":"fake/gpt-fake","stream":%s,"messages":[{"role":"user","content":"Is %s still valid?"}]}""";

        HttpResponse<String> restored = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header(OutputGuard.RESTORE_HEADER, "true")
                .POST(HttpRequest.BodyPublishers.ofString(body.formatted(false, OPENAI))).build());
        assertThat(UPSTREAM.last().body()).contains("[OPENAI_KEY_1]").doesNotContain(OPENAI);
        assertThat(json(restored).get("choices").get(0).get("message").get("content").asString())
                .isEqualTo("Revoke " + OPENAI + " today; also [GITHUB_TOKEN_1] leaked.");

        HttpResponse<String> restoredStream = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header(OutputGuard.RESTORE_HEADER, "true")
                .POST(HttpRequest.BodyPublishers.ofString(body.formatted(true, OPENAI))).build());
        String text = restoredStream.body().lines().filter(l -> l.startsWith("data: {"))
                .map(l -> FakeUpstream.JSON.readTree(l.substring(6)).path("choices").path(0).path("delta").path("content").asString(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("Revoke " + OPENAI + " today; also [GITHUB_TOKEN_1] leaked.");

        HttpResponse<String> kept = post("/v1/chat/completions", key, body.formatted(false, OPENAI));
        assertThat(json(kept).get("choices").get(0).get("message").get("content").asString()).startsWith("Revoke [OPENAI_KEY_1] today");

        HttpResponse<String> bad = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                .header("Authorization", "Bearer " + key).header(OutputGuard.RESTORE_HEADER, "maybe")
                .POST(HttpRequest.BodyPublishers.ofString(body.formatted(false, OPENAI))).build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").get("param").asString()).isEqualTo(OutputGuard.RESTORE_HEADER);
    }

    @Test
    void everyTextOfEveryChoiceIsScreenedAndLogprobsDoNotTellWhatWasRedacted() {
        String key = createKey("guard-out-parts");
        String slack = "xoxb-" + "1234567890-abcdefghijKLMNOP";
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-fake\",\"choices\":[";
            FakeUpstream.event(out, head + """
                    {"index":0,"delta":{"role":"assistant","content":"Token: "},"logprobs":{"content":[{"token":"Token","logprob":-0.1,"bytes":null,"top_logprobs":[]},{"token":": ","logprob":-0.1,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}""");
            FakeUpstream.event(out, head + """
                    {"index":0,"delta":{"content":"%s"},"logprobs":{"content":[{"token":"%s","logprob":-0.2,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":null}]}"""
                    .formatted(GITHUB, GITHUB));
            FakeUpstream.event(out, head + """
                    {"index":1,"delta":{"role":"assistant","refusal":"I won't share %s"},"finish_reason":null}]}""".formatted(OPENAI));
            FakeUpstream.event(out, head + """
                    {"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"post","arguments":"{\\"token\\": \\"xoxb-"}}]},"finish_reason":null}]}""");
            FakeUpstream.event(out, head + """
                    {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"%s\\"}"}}]},"finish_reason":null}]}"""
                    .formatted(slack.substring(5)));
            FakeUpstream.event(out, head + """
                    {"index":0,"delta":{},"finish_reason":"tool_calls"},{"index":1,"delta":{},"finish_reason":"stop"}]}""");
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"fake/gpt-fake","stream":true,"n":2,"logprobs":true,"messages":[{"role":"user","content":"go"}]}""");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(GITHUB.substring(4), OPENAI.substring(8), slack.substring(5));

        StringBuilder content = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        StringBuilder tokens = new StringBuilder();
        response.body().lines().filter(l -> l.startsWith("data: {")).map(l -> FakeUpstream.JSON.readTree(l.substring(6)))
                .flatMap(chunk -> chunk.path("choices").valueStream()).forEach(choice -> {
                    JsonNode delta = choice.path("delta");
                    (choice.path("index").asInt() == 0 ? content : refusal).append(delta.path(choice.path("index").asInt() == 0 ? "content" : "refusal").asString(""));
                    delta.path("tool_calls").forEach(call -> arguments.append(call.path("function").path("arguments").asString("")));
                    choice.path("logprobs").path("content").forEach(entry -> tokens.append(entry.path("token").asString()));
                });
        assertThat(content.toString()).isEqualTo("Token: [GITHUB_TOKEN_1]");
        assertThat(refusal.toString()).isEqualTo("I won't share [OPENAI_KEY_1]");
        assertThat(arguments.toString()).isEqualTo("{\"token\": \"[SLACK_TOKEN_1]\"}");
        assertThat(tokens.toString()).as("the redacted token's log-probability is dropped, the others kept").isEqualTo("Token: ");

        String auditor = createKeyWithRole("guard-out-parts", "auditor");
        JsonNode guard = json(get("/v1/audit/requests/" + response.headers().firstValue("Cairn-Request-Id").orElseThrow(), auditor))
                .get("entry").path("data").path("guard");
        assertThat(guard.valueStream().map(v -> v.path("choice").asInt() + ":" + v.path("field").asString() + ":" + v.path("category").asString()))
                .containsExactlyInAnyOrder("0:content:github_token", "1:refusal:openai_key", "0:tool_calls[0].function.arguments:slack_token");
    }
}
