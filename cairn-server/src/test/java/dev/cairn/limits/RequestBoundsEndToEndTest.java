package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The bounds on one request, through the real server: the output a request may ask for (n times
 * its answer limit, per key, refused in the shape of each API) and the requests a key may have in
 * flight (429 with Retry-After; the slot given back when a request ends, its stream included,
 * when its client leaves, and when its client stops reading and the write times out).
 */
class RequestBoundsEndToEndTest extends CairnServerTest {

    static final String CHAT = "/v1/chat/completions";

    @DynamicPropertySource
    static void bounds(DynamicPropertyRegistry registry) {
        registry.add("cairn.limits.workspaces.bounds-out.key.max-output-tokens", () -> "100");
        registry.add("cairn.limits.keys[0].name", () -> "bounds-named");
        registry.add("cairn.limits.keys[0].max-output-tokens", () -> "50");
        registry.add("cairn.limits.workspaces.bounds-one.key.max-concurrent-requests", () -> "1");
        registry.add("cairn.limits.workspaces.bounds-gone.key.max-concurrent-requests", () -> "1");
        registry.add("cairn.limits.workspaces.bounds-unread.key.max-concurrent-requests", () -> "1");
        registry.add("cairn.limits.workspaces.bounds-unbounded.key.max-output-tokens", () -> "0");
        // Long enough that a loaded machine still sees the unread stream hold its slot before the timeout ends it.
        registry.add("cairn.gateway.client-write-timeout", () -> "8s");
    }

    @Test
    void aRequestAskingForMoreOutputThanItsKeyAllowsIsRefusedNamingTheFieldInEachApisShape() {
        String key = createKey("bounds-out");

        assertRefused(post(CHAT, key, chat(", \"n\":3, \"max_tokens\":40")), 400, "output_limit_exceeded", "max_tokens");
        assertRefused(post(CHAT, key, chat(", \"max_completion_tokens\":101")), 400, "output_limit_exceeded",
                "max_completion_tokens");
        // No answer limit stated: counted at cairn.limits.default-answer-tokens (4096), so the field to change is n.
        assertRefused(post(CHAT, key, chat("")), 400, "output_limit_exceeded", "max_completion_tokens");
        assertRefused(post(CHAT, key, chat(", \"n\":2")), 400, "output_limit_exceeded", "n");
        assertThat(post(CHAT, key, chat(", \"n\":2, \"max_tokens\":50")).statusCode()).isEqualTo(200);

        assertRefused(post("/v1/completions", key, """
                {"model":"cairn/echo","prompt":"hello","n":2,"max_tokens":60}"""), 400, "output_limit_exceeded", "max_tokens");
        assertRefused(post("/v1/responses", key, """
                {"model":"cairn/echo","input":"hello","max_output_tokens":101}"""), 400, "output_limit_exceeded",
                "max_output_tokens");

        HttpResponse<String> messages = send(HttpRequest.newBuilder(URI.create(url("/v1/messages")))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"cairn/echo","max_tokens":101,"messages":[{"role":"user","content":"hello"}]}""")).build());
        assertThat(messages.statusCode()).as(messages.body()).isEqualTo(400);
        JsonNode anthropic = json(messages);
        assertThat(anthropic.path("type").asString()).isEqualTo("error");
        assertThat(anthropic.path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(anthropic.path("error").path("message").asString()).contains("'max_tokens'").contains("100");
    }

    @Test
    void theOutputBoundIsConfiguredPerKeyAndHasADefault() {
        String named = createNamedKey("bounds-misc", "bounds-named");
        String other = createKey("bounds-misc");
        String unbounded = createKey("bounds-unbounded");

        assertRefused(post(CHAT, named, chat(", \"max_tokens\":51")), 400, "output_limit_exceeded", "max_tokens");
        assertThat(post(CHAT, other, chat(", \"max_tokens\":51")).statusCode()).isEqualTo(200);

        // The review's request: n=128 with no answer limit, refused by default before any of it is made.
        String heavy = chat(", \"n\":128, \"stream\":true");
        assertRefused(post(CHAT, other, heavy), 400, "output_limit_exceeded", "n");
        HttpResponse<String> lifted = post(CHAT, unbounded, chat(", \"n\":128"));
        assertThat(lifted.statusCode()).as("0 lifts the bound").isEqualTo(200);
        assertThat(json(lifted).get("choices")).hasSize(128);
    }

    @Test
    void aKeyWithAllItsSlotsTakenIsRefusedWithRetryAfterUntilTheStreamHoldingOneEnds() throws Exception {
        String key = createKey("bounds-one");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UPSTREAM.handler(heldStream(arrived, release));

        CompletableFuture<HttpResponse<String>> streaming = HTTP.sendAsync(request(key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hello"}]}"""),
                HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> refused = post(CHAT, key, chat(""));
        assertRefused(refused, 429, "concurrency_limit_exceeded", null);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(post(CHAT, createKey("bounds-one"), chat("")).statusCode()).as("another key has its own slots")
                .isEqualTo(200);

        release.countDown();
        HttpResponse<String> streamed = streaming.get(30, TimeUnit.SECONDS);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).contains("data: [DONE]");
        assertThat(eventually(() -> post(CHAT, key, chat("")), r -> r.statusCode() == 200).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatLeavesMidStreamGivesItsSlotBack() throws Exception {
        String key = createKey("bounds-gone");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UPSTREAM.handler(heldStream(arrived, release));

        try (Socket socket = rawRequest(key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hello"}]}""", 0)) {
            assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
            assertRefused(post(CHAT, key, chat("")), 429, "concurrency_limit_exceeded", null);
        }
        release.countDown();
        assertThat(eventually(() -> post(CHAT, key, chat("")), r -> r.statusCode() == 200).statusCode()).isEqualTo(200);
    }

    @Test
    void aStreamWhoseClientNeverReadsEndsAtTheWriteTimeoutAndGivesItsSlotBack() throws Exception {
        String key = createKey("bounds-unread");
        CountDownLatch upstreamStopped = new CountDownLatch(1);
        // An upstream that streams for as long as Cairn takes its chunks: far more than the sockets' buffers hold.
        UPSTREAM.handler((exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            try (OutputStream out = exchange.getResponseBody()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                    FakeUpstream.event(out, chunk(" more words of a long answer that nobody reads"));
                }
            } finally {
                upstreamStopped.countDown();
            }
        });
        try (Socket socket = rawRequest(key, """
                {"model":"fake/gpt-fake","stream":true,"messages":[{"role":"user","content":"hello"}]}""", 4096)) {
            HttpResponse<String> held = eventually(() -> post(CHAT, key, chat("")), r -> r.statusCode() == 429);
            assertRefused(held, 429, "concurrency_limit_exceeded", null);
            // The socket stays open and unread: only the write timeout can end the stream.
            HttpResponse<String> freed = eventually(() -> post(CHAT, key, chat("")), r -> r.statusCode() == 200);
            assertThat(freed.statusCode()).isEqualTo(200);
            assertThat(upstreamStopped.await(30, TimeUnit.SECONDS)).as("the upstream call was cancelled too").isTrue();
            assertThat(socket.isClosed()).isFalse();
        }
    }

    private static String chat(String extra) {
        return """
                {"model":"cairn/echo","messages":[{"role":"user","content":"hello there"}]%s}""".formatted(extra);
    }

    private HttpRequest request(String key, String body) {
        return HttpRequest.newBuilder(URI.create(url(CHAT))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private String createNamedKey(String workspace, String name) {
        HttpResponse<String> response = post("/admin/keys", ADMIN_KEY, """
                {"workspace":"%s","name":"%s"}""".formatted(workspace, name));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).get("secret").stringValue();
    }

    /** A stream that sends its first chunk, says it has the request, and finishes only once released. */
    private static FakeUpstream.Handler heldStream(CountDownLatch arrived, CountDownLatch release) {
        return (exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            try (OutputStream out = exchange.getResponseBody()) {
                FakeUpstream.event(out, chunk("Hello"));
                arrived.countDown();
                release.await(60, TimeUnit.SECONDS);
                for (int i = 0; i < 20; i++) {
                    FakeUpstream.event(out, chunk(" again"));
                }
                FakeUpstream.event(out, "[DONE]");
            }
        };
    }

    private static String chunk(String content) {
        return """
                {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-fake","choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}"""
                .formatted(content);
    }

    /** Sends a request on a socket of its own and never reads the answer; {@code receiveBuffer} 0 leaves the system's. */
    private Socket rawRequest(String key, String body, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    /** Sends until the answer is as wanted, for up to a minute; the last answer either way. */
    private static HttpResponse<String> eventually(java.util.function.Supplier<HttpResponse<String>> call,
                                                   Predicate<HttpResponse<String>> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> last = call.get();
        while (!wanted.test(last) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = call.get();
        }
        return last;
    }
}
