package dev.cairn.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;

/**
 * Scripted misbehaviour for a {@link FakeUpstream}: handlers that answer 503, 429 with a wait,
 * slowly, with a stream cut short or with a body that is not JSON, and {@link Script}s that play
 * them in order and count the calls. A handler installed with {@link #byModel} lets one fake play
 * several deployments ({@code a/m1}, {@code a/m2}) each with its own script.
 */
public final class Faults {

    private Faults() {
    }

    /** OpenAI's own answer, streamed or whole, as the request asks. */
    public static FakeUpstream.Handler ok() {
        return FakeUpstream::openAi;
    }

    /** An HTTP error with an OpenAI-shaped body. */
    public static FakeUpstream.Handler status(int status, String code, String message) {
        return (exchange, request) -> FakeUpstream.json(exchange, status, """
                {"error":{"message":"%s","type":"%s","code":%s}}""".formatted(message,
                status >= 500 ? "server_error" : "invalid_request_error", code == null ? "null" : '"' + code + '"'));
    }

    public static FakeUpstream.Handler unavailable() {
        return status(503, null, "The server is overloaded");
    }

    /** 429 with {@code Retry-After} in seconds. */
    public static FakeUpstream.Handler rateLimited(long retryAfterSeconds) {
        return (exchange, request) -> {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfterSeconds));
            status(429, "rate_limit_exceeded", "Rate limit reached").handle(exchange, request);
        };
    }

    /** 429 with OpenAI's {@code retry-after-ms}. */
    public static FakeUpstream.Handler rateLimitedMillis(long retryAfterMillis) {
        return (exchange, request) -> {
            exchange.getResponseHeaders().set("retry-after-ms", Long.toString(retryAfterMillis));
            status(429, "rate_limit_exceeded", "Rate limit reached").handle(exchange, request);
        };
    }

    public static FakeUpstream.Handler contextTooLong() {
        return status(400, "context_length_exceeded", "This model's maximum context length is 8192 tokens");
    }

    public static FakeUpstream.Handler contentPolicy() {
        return status(400, "content_policy_violation", "Your request was rejected by the safety system");
    }

    /** A 200 whose every choice the upstream's content filter stopped. */
    public static FakeUpstream.Handler contentFiltered() {
        return (exchange, request) -> FakeUpstream.json(exchange, 200, """
                {"id":"chatcmpl-f","object":"chat.completion","created":1,"model":"m",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}],
                 "usage":{"prompt_tokens":11,"completion_tokens":0,"total_tokens":11}}""");
    }

    /** A 200 whose body is not JSON. */
    public static FakeUpstream.Handler malformed() {
        return (exchange, request) -> {
            byte[] body = "{\"id\":\"chatcmpl-x\",\"choices\":[{".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    /** Waits {@code delay} before anything, headers included, then answers as {@code then} does. */
    public static FakeUpstream.Handler slowFirstByte(Duration delay, FakeUpstream.Handler then) {
        return (exchange, request) -> {
            Thread.sleep(delay);
            then.handle(exchange, request);
        };
    }

    /** A stream of {@code chunks} content chunks that then ends, cleanly at the HTTP level, without {@code [DONE]}. */
    public static FakeUpstream.Handler cutStream(int chunks) {
        return (exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < chunks; i++) {
                FakeUpstream.event(out, """
                        {"id":"chatcmpl-cut","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"part%d "},"finish_reason":null}]}"""
                        .formatted(i));
            }
        };
    }

    /** A stream that opens as most upstreams do, with a role-only chunk, and then ends without {@code [DONE]}. */
    public static FakeUpstream.Handler cutAfterRole() {
        return (exchange, request) -> {
            FakeUpstream.sseHeaders(exchange);
            FakeUpstream.event(exchange.getResponseBody(), """
                    {"id":"chatcmpl-role","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""");
        };
    }

    /** Plays {@code first} for the first {@code times} calls, then {@link Script#then} (by default {@link #ok()}). */
    public static Script times(int times, FakeUpstream.Handler first) {
        return new Script().times(times, first);
    }

    /** Always {@code handler}, counted. */
    public static Script always(FakeUpstream.Handler handler) {
        return new Script().then(handler);
    }

    /**
     * One handler per upstream model (the request's {@code model}, as the deployment names it after
     * the provider); a model not in the map is answered by {@link #ok()}.
     */
    public static FakeUpstream.Handler byModel(Map<String, ? extends FakeUpstream.Handler> handlers) {
        Map<String, FakeUpstream.Handler> copy = new ConcurrentHashMap<>(handlers);
        return (exchange, request) -> copy.getOrDefault(request.json().path("model").asString(""), ok()).handle(exchange, request);
    }

    /** A port on which nothing listens: connecting is refused at once. */
    public static String refusingBaseUrl() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handlers played in order, each for a number of calls, the last one for ever; counts and times every call. */
    public static final class Script implements FakeUpstream.Handler {

        private record Step(int times, FakeUpstream.Handler handler) {
        }

        private final List<Step> steps = new CopyOnWriteArrayList<>();
        private final List<Long> callNanos = new CopyOnWriteArrayList<>();
        private final AtomicInteger calls = new AtomicInteger();
        private volatile FakeUpstream.Handler last = ok();

        public Script times(int times, FakeUpstream.Handler handler) {
            steps.add(new Step(times, handler));
            return this;
        }

        public Script then(FakeUpstream.Handler handler) {
            last = handler;
            return this;
        }

        @Override
        public void handle(HttpExchange exchange, FakeUpstream.Received request) throws Exception {
            int call = calls.getAndIncrement();
            callNanos.add(System.nanoTime());
            int seen = 0;
            for (Step step : steps) {
                seen += step.times();
                if (call < seen) {
                    step.handler().handle(exchange, request);
                    return;
                }
            }
            last.handle(exchange, request);
        }

        /** Calls received so far. */
        public int calls() {
            return calls.get();
        }

        /** The {@link System#nanoTime} at which each call arrived. */
        public List<Long> callNanos() {
            return List.copyOf(callNanos);
        }
    }
}
