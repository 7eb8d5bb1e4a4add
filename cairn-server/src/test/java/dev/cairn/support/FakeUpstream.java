package dev.cairn.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server on a random local port that plays an OpenAI-compatible upstream. By default it
 * answers chat completions and embeddings like OpenAI would; tests swap in their own handler to
 * script errors, slowness or streams, and read back every request it received.
 */
public final class FakeUpstream implements AutoCloseable {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as the upstream saw it. */
    public record Received(String method, String path, Headers headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange, Received request) throws Exception;
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Handler handler = FakeUpstream::openAi;

    private FakeUpstream(HttpServer server) {
        this.server = server;
    }

    public static FakeUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            FakeUpstream fake = new FakeUpstream(server);
            server.createContext("/", fake::dispatch);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public void handler(Handler newHandler) {
        this.handler = newHandler;
    }

    public void reset() {
        received.clear();
        handler = FakeUpstream::openAi;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        return received.getLast();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders(), body);
        received.add(request);
        try {
            handler.handle(exchange, request);
        } catch (Exception e) {
            // A scripted handler may fail on purpose (a client that went away); close the exchange either way.
        } finally {
            exchange.close();
        }
    }

    /** OpenAI's behaviour for chat completions (streaming included) and embeddings. */
    public static void openAi(HttpExchange exchange, Received request) throws IOException {
        JsonNode body = request.json();
        String model = body.path("model").asString("");
        if (request.path().endsWith("/embeddings")) {
            json(exchange, 200, """
                    {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],
                     "model":"%s","usage":{"prompt_tokens":4,"total_tokens":4}}""".formatted(model));
            return;
        }
        if (body.path("stream").asBoolean(false)) {
            sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            String[] words = {"Hello", " from", " upstream"};
            for (String word : words) {
                event(out, """
                        {"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"%s","system_fingerprint":"fp_fake","choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}"""
                        .formatted(model, word));
            }
            event(out, """
                    {"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"%s","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""
                    .formatted(model));
            if (body.path("stream_options").path("include_usage").asBoolean(false)) {
                event(out, """
                        {"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"%s","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}"""
                        .formatted(model));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return;
        }
        json(exchange, 200, """
                {"id":"chatcmpl-up","object":"chat.completion","created":1,"model":"%s","system_fingerprint":"fp_fake",
                 "service_tier":"default","x_upstream_extra":{"kept":true},
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from upstream","refusal":null},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}""".formatted(model));
    }

    public static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    public static void sseHeaders(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
    }

    public static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** An event with an {@code event:} name, as Anthropic writes them; multi-line data stays one event. */
    public static void event(OutputStream out, String name, String data) throws IOException {
        String lines = "data: " + data.replace("\n", "\ndata: ");
        out.write(("event: " + name + "\n" + lines + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public static Map<String, String> flat(Headers headers) {
        Map<String, String> flat = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> flat.put(k, String.join(",", v)));
        return flat;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
