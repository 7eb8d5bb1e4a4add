package dev.cairn.gateway;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP side of one provider: a pooled Apache HttpClient with that provider's timeouts, each
 * call's own deadlines ({@link UpstreamCall}) kept by cancelling it when they pass, and the rules
 * that turn upstream failures into gateway errors (4xx passed on, 5xx and unreachable 502, timeouts
 * 504), each with the {@link GatewayException.Fault} that routing reads.
 */
public final class UpstreamHttp implements Closeable {

    /**
     * Cancels calls whose time is up. One thread for the whole process: it only fires cancellations,
     * and a cancelled timer is removed at once, so a call that ends in time costs a schedule and a cancel.
     */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlineTimer();
    private static final Pattern CONTEXT_WINDOW = Pattern.compile(
            "context[ _-]?(length|window)|maximum context|prompt is too long|too many tokens|reduce the length", Pattern.CASE_INSENSITIVE);
    private static final Pattern CONTENT_POLICY = Pattern.compile(
            "content[ _-]?(management )?(policy|filter)|safety system", Pattern.CASE_INSENSITIVE);

    private final String provider;
    private final String baseUrl;
    private final Map<String, URI> uris = new ConcurrentHashMap<>();
    private final Map<String, String> headers;
    private final CloseableHttpClient client;

    public UpstreamHttp(String provider, GatewayProperties.Provider config, Map<String, String> authHeaders) {
        this.provider = provider;
        this.baseUrl = validatedBaseUrl(provider, config.baseUrl());
        var all = new java.util.LinkedHashMap<>(config.headers());
        all.putAll(authHeaders);
        this.headers = Map.copyOf(all);
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxConnTotal(4096)
                .setMaxConnPerRoute(4096)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(config.readTimeout()))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(config.readTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(config.connectTimeout()))
                        .setRedirectsEnabled(false)
                        .build())
                // Compression would make the client buffer SSE; retries would resend non-idempotent POSTs.
                .disableContentCompression()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableRedirectHandling()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .setUserAgent("cairn")
                .build();
    }

    /** A 2xx answer's body parsed; one that is not a JSON object is the provider's failure. */
    public JsonNode answerObject(byte[] body) {
        JsonNode answer;
        try {
            answer = JsonBodies.JSON.readTree(body);
        } catch (JacksonException e) {
            throw GatewayException.upstreamFailed(provider, "answer is not valid JSON");
        }
        if (answer == null || !answer.isObject()) {
            throw GatewayException.upstreamFailed(provider, "answer is not a JSON object");
        }
        return answer;
    }

    /** POSTs JSON and returns the 2xx body; anything else becomes a {@link GatewayException}. */
    public byte[] post(String path, byte[] json, UpstreamCall call) {
        HttpPost post = request(path, json, call.trace(), "application/json");
        try (Watch watch = new Watch(post, call.deadlineNanos(), Long.MAX_VALUE)) {
            try {
                return client.execute(post, response -> {
                    byte[] body = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
                    if (response.getCode() >= 300) {
                        throw failure(response, body);
                    }
                    return body;
                });
            } catch (IOException e) {
                throw failure(e, watch);
            } catch (IllegalStateException e) {
                throw cancelled(e, watch);
            }
        }
    }

    /**
     * POSTs JSON and hands each server-sent event to {@code onEvent} as it arrives, unparsed: the
     * provider parses its data once. When {@code onEvent} throws (the client left), the upstream
     * request is cancelled, closing its connection so the upstream stops generating.
     */
    public void postStreaming(String path, byte[] json, UpstreamCall call, Consumer<SseEvent> onEvent) {
        HttpPost post = request(path, json, call.trace(), "text/event-stream");
        ClassicHttpResponse response = null;
        boolean finished = false;
        Watch watch = new Watch(post, call.deadlineNanos(), call.firstEventNanos());
        try {
            response = client.executeOpen(null, post, null);
            if (response.getCode() >= 300) {
                byte[] body = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
                finished = true;
                throw failure(response, body);
            }
            if (response.getEntity() == null) {
                throw GatewayException.upstreamFailed(provider, "empty streaming response");
            }
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8));
            readEvents(reader, event -> {
                watch.firstEvent();
                onEvent.accept(event);
            });
            finished = true;
        } catch (IOException e) {
            throw failure(e, watch);
        } catch (IllegalStateException e) {
            throw cancelled(e, watch);
        } finally {
            watch.close();
            if (!finished) {
                // Abort first: closing an unfinished response would otherwise read it to the end.
                post.cancel();
            }
            closeQuietly(response);
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        if (response != null) {
            try {
                response.close();
            } catch (IOException ignored) {
                // The connection is already aborted or done; nothing is left to release.
            }
        }
    }

    /** One server-sent event: its {@code event:} name (null when absent) and its data lines joined. */
    public record SseEvent(String event, String data) {
    }

    private static void readEvents(BufferedReader reader, Consumer<SseEvent> onEvent) throws IOException {
        String event = null;
        String data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    onEvent.accept(new SseEvent(event, data));
                }
                event = null;
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                // Nearly every event has one data line: joined only when there are more.
                data = data == null ? value : data + "\n" + value;
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            }
            // Comment lines (": keep-alive") and unknown fields are ignored, as the SSE spec says.
        }
        if (data != null) {
            onEvent.accept(new SseEvent(event, data));
        }
    }

    private HttpPost request(String path, byte[] json, TraceContext trace, String accept) {
        // Parsed once per path: URI parsing showed up in profiles when done per request.
        HttpPost post = new HttpPost(uris.computeIfAbsent(path, p -> URI.create(baseUrl + p)));
        headers.forEach(post::setHeader);
        post.setHeader("Accept", accept);
        post.setHeader("traceparent", trace.traceparent());
        post.setEntity(new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
        return post;
    }

    /**
     * A deadline's cancel that lands while HttpClient holds no connection (leasing one, or between
     * exchanges) makes it throw "Endpoint not acquired / already released" rather than an
     * IOException: that is the timeout too, and must reach routing as one, to be retried elsewhere.
     */
    private RuntimeException cancelled(IllegalStateException e, Watch watch) {
        return watch.expired != null ? GatewayException.timeout(provider, watch.expired, e) : e;
    }

    private GatewayException failure(IOException e, Watch watch) {
        if (watch.expired != null) {
            return GatewayException.timeout(provider, watch.expired, e);
        }
        // Connect, read and pool-lease timeouts are all InterruptedIOExceptions in HttpClient 5.
        if (e instanceof InterruptedIOException) {
            return GatewayException.timeout(provider, null, e);
        }
        return GatewayException.unreachable(provider, e);
    }

    /**
     * Maps an upstream's non-2xx answer: its 4xx keeps status and message, 5xx becomes a 502; either
     * way with the fault routing reads (which 4xx says the prompt is too long or breaks the
     * upstream's content policy, and the wait the upstream asked for).
     */
    GatewayException failure(HttpResponse response, byte[] body) {
        int status = response.getCode();
        JsonNode error = errorObject(body);
        String message = error == null ? null : text(error, "message");
        Duration retryAfter = retryAfter(response);
        if (status >= 400 && status < 500) {
            String code = error == null ? null : text(error, "code");
            String said = (code == null ? "" : code) + " " + (message == null ? "" : message);
            GatewayException.FaultKind kind = status == 429 ? GatewayException.FaultKind.RATE_LIMITED
                    : CONTEXT_WINDOW.matcher(said).find() ? GatewayException.FaultKind.CONTEXT_WINDOW
                    : CONTENT_POLICY.matcher(said).find() ? GatewayException.FaultKind.CONTENT_POLICY
                    : GatewayException.FaultKind.REFUSED;
            return GatewayException.upstreamRefused(provider, status,
                    message != null ? message : snippet(body), error == null ? null : text(error, "type"),
                    code, error == null ? null : text(error, "param"), kind, retryAfter);
        }
        return GatewayException.upstreamFailed(provider, status, "HTTP " + status + (message != null ? ": " + message
                : body.length > 0 ? ": " + snippet(body) : ""), retryAfter);
    }

    /**
     * How long the upstream asked to be left alone: OpenAI's {@code retry-after-ms}, else
     * {@code Retry-After} in seconds or as an HTTP date; null when it did not say or said nonsense.
     */
    static Duration retryAfter(HttpResponse response) {
        Header millis = response.getFirstHeader("retry-after-ms");
        if (millis != null) {
            try {
                double ms = Double.parseDouble(millis.getValue().strip());
                if (ms >= 0 && ms < 1e10) {
                    return Duration.ofNanos((long) (ms * 1e6));
                }
            } catch (NumberFormatException e) {
                // Fall back to Retry-After.
            }
        }
        Header after = response.getFirstHeader("Retry-After");
        if (after == null) {
            return null;
        }
        String value = after.getValue().strip();
        try {
            long seconds = Long.parseLong(value);
            return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, 86_400)) : null;
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(Instant.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /**
     * Keeps one call's deadlines: cancels it when its first event or its whole answer is late, and
     * remembers which, so that the failure says so rather than "connection closed".
     */
    private static final class Watch implements AutoCloseable {

        private final HttpPost post;
        private final long deadlineNanos;
        private volatile String expired;
        private volatile boolean awaitingFirst;
        private ScheduledFuture<?> timer;

        Watch(HttpPost post, long deadlineNanos, long firstEventNanos) {
            this.post = post;
            this.deadlineNanos = deadlineNanos;
            if (firstEventNanos < deadlineNanos) {
                awaitingFirst = true;
                timer = schedule(firstEventNanos, "first token in time");
            } else {
                timer = schedule(deadlineNanos, "whole answer in time");
            }
        }

        private ScheduledFuture<?> schedule(long atNanos, String what) {
            if (atNanos == Long.MAX_VALUE) {
                return null;
            }
            return DEADLINES.schedule(() -> {
                expired = what;
                post.cancel();
            }, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /** The first event came: from now on only the whole answer's deadline counts. */
        void firstEvent() {
            if (awaitingFirst) {
                awaitingFirst = false;
                close();
                timer = schedule(deadlineNanos, "whole answer in time");
            }
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "cairn-upstream-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** The {@code error} object of an OpenAI- or Anthropic-shaped error body, if it is one. */
    private static JsonNode errorObject(byte[] body) {
        try {
            JsonNode root = JsonBodies.JSON.readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            if (error != null && error.isObject()) {
                return error;
            }
            if (error != null && error.isString()) {
                return JsonBodies.JSON.createObjectNode().put("message", error.stringValue());
            }
            return null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.isString() ? value.stringValue() : value.toString();
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /** Fails at start, naming the provider, rather than on every request later. */
    private static String validatedBaseUrl(String provider, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("cairn.providers." + provider + ".base-url is required");
        }
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI uri = URI.create(trimmed);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cairn.providers." + provider + ".base-url '" + url + "' is not a valid http(s) URL", e);
        }
        return trimmed;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
