package dev.cairn.gateway;

import dev.cairn.platform.PlatformProperties;
import java.io.IOException;
import java.util.function.Supplier;

import dev.cairn.access.Principal;
import dev.cairn.audit.AuditException;
import dev.cairn.guard.GuardException;
import dev.cairn.guard.InputGuard;
import dev.cairn.guard.OutputGuard;
import dev.cairn.limits.Limiter;
import dev.cairn.memory.ConversationMemory;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.ErrorBodies;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole path of a gateway request, in order, in one place:
 *
 * <ol>
 *   <li>authenticate: done before any handler by {@code ApiKeyInterceptor}; here we read its principal;</li>
 *   <li>validate: read the body (size-limited), parse it, check the fields Cairn interprets;</li>
 *   <li>guard input: users' and tools' messages scanned under the workspace's policy; a blocked
 *       request ends here with 400 {@code content_blocked}, redacted text replaces the original;</li>
 *   <li>route: model name to provider, checked against the key's allow-list;</li>
 *   <li>rate-limit: the key's, workspace's, end user's and address's buckets and the budgets admit
 *       the request or end it with 429 (x-ratelimit-* headers either way); settled with the real
 *       token usage and cost after the answer;</li>
 *   <li>recall memory: for a request that names a thread, with recall on, one system message of
 *       recalled memory joins the prompt;</li>
 *   <li>open the answer's guard: plant the canary, when the workspace wants one;</li>
 *   <li>call the provider, streaming chunk by chunk when asked;</li>
 *   <li>guard output: the answer scanned under the workspace's policy as it passes (a stream
 *       holds back only what may be a finding still arriving); blocked answers become a 400 or a
 *       stream's last error event, redacted values placeholders, the caller's own values restored
 *       when asked;</li>
 *   <li>audit: the exchange becomes one audit log entry, committed before the answer completes
 *       (with {@code cairn.audit.durability: sync}), for failures too;</li>
 *   <li>remember: the thread's new turns into memory, before the answer ends, so the next turn sees them;</li>
 *   <li>record: usage ledger, metrics, and the rate limits settled with the real usage, before the
 *       answer ends too, so that the client's next request meets settled buckets;</li>
 *   <li>respond.</li>
 * </ol>
 *
 */
@Component
public class GatewayPipeline {

    private static final Logger log = LoggerFactory.getLogger(GatewayPipeline.class);

    /** Names the request's audit entry: {@code GET /v1/audit/requests/{id}}. */
    public static final String REQUEST_ID_HEADER = "Cairn-Request-Id";
    /** The ids of the memory items injected into the prompt, comma-separated. */
    public static final String MEMORY_ITEMS_HEADER = "Cairn-Memory-Items";

    private final ModelRouter router;
    private final ExchangeAudit audit;
    private final ExchangeRecorder recorder;
    private final ConversationMemory memory;
    private final InputGuard guard;
    private final OutputGuard outputGuard;
    private final Limiter limits;
    private final long maxBodyBytes;

    public GatewayPipeline(ModelRouter router, ExchangeAudit audit, ExchangeRecorder recorder, ConversationMemory memory,
                           InputGuard guard, OutputGuard outputGuard, Limiter limits, PlatformProperties platform) {
        this.router = router;
        this.audit = audit;
        this.recorder = recorder;
        this.memory = memory;
        this.guard = guard;
        this.outputGuard = outputGuard;
        this.limits = limits;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    public void chatCompletion(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Exchange exchange = start("chat.completions", request, response);
        SseResponse sse = new SseResponse(response);
        try {
            ChatRequest chat = ChatRequest.of(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)));
            boolean restore = outputGuard.restoreAsked(request.getHeader(OutputGuard.RESTORE_HEADER));
            audit.capture(exchange, request, chat.body());
            screenInput(exchange, chat.body());
            exchange.target = router.route(chat.model(), exchange.principal);
            router.checkFallbacks(chat.body().get("models"), exchange.target, exchange.principal);
            exchange.admission = limits.admit(request, response, chat.body(), chat.model(), exchange.target.qualifiedModel());
            exchange.memory = memory.prepare(exchange.principal, chat.body(), request.getHeader(ConversationMemory.THREAD_HEADER),
                    request.getHeader(ConversationMemory.MEMORY_HEADER), chat.model());
            if (!exchange.memory.injectedIds().isEmpty()) {
                response.setHeader(MEMORY_ITEMS_HEADER, String.join(",", exchange.memory.injectedIds()));
            }
            exchange.output = outputGuard.open(exchange.principal.workspace(), chat.body(), exchange.guard, restore);
            exchange.stream = chat.stream();
            ObjectNode upstream = chat.body();
            upstream.put("model", exchange.target.upstreamModel());
            if (chat.stream()) {
                stream(exchange, chat, upstream, sse);
            } else {
                timed(exchange, () -> exchange.target.provider().chat(upstream, exchange.trace));
                byte[] answer = exchange.output == null ? exchange.responseBody : screenAnswer(exchange);
                audit.record(exchange);
                rememberTurns(exchange);
                finish(exchange);
                respondJson(response, answer);
            }
        } catch (ClientGoneException | IOException e) {
            // The client's connection failed while we read its body or wrote the answer.
            clientGone(exchange);
        } catch (RuntimeException e) {
            RuntimeException failure = auditFailure(exchange, e);
            if (!sse.started()) {
                throw failure;
            }
            // Headers are gone: the error travels as the stream's last event.
            if (!(failure instanceof CairnException)) {
                log.error("Stream failed after it started", failure);
            }
            sendStreamError(sse, errorOf(failure));
        } finally {
            finish(exchange);
        }
    }

    /**
     * Stores the thread's new turns before the client has the end of its answer, so that its next
     * turn finds them; a failure here costs the memory, not the answer.
     */
    private void rememberTurns(Exchange exchange) {
        if (!exchange.memory.hasThread() || exchange.status != 200) {
            return;
        }
        try {
            memory.capture(exchange.memory, exchange.requestId, answerText(exchange));
        } catch (RuntimeException e) {
            log.warn("Storing the turns of request {} on thread {} failed", exchange.requestId, exchange.memory.threadId(), e);
        }
    }

    private static String answerText(Exchange exchange) {
        if (exchange.output != null) {
            return exchange.output.screenedText(0);
        }
        JsonNode choices;
        if (exchange.transcript != null) {
            choices = exchange.transcript.choices();
        } else if (exchange.responseTree() != null) {
            choices = exchange.responseTree().path("choices");
        } else {
            return null;
        }
        JsonNode content = choices.path(0).path("message").path("content");
        return content.isString() ? content.stringValue() : null;
    }

    private static byte[] screenAnswer(Exchange exchange) {
        byte[] answer = ScreenedAnswer.screen(exchange.responseBody, exchange.responseTree(), exchange.output, exchange.requestId);
        if (answer != exchange.responseBody) {
            exchange.responseTreeChanged(); // the audit entry records the answer as the upstream gave it
        }
        return answer;
    }

    private void screenInput(Exchange exchange, ObjectNode body) {
        exchange.guard = guard.screen(exchange.principal.workspace(), body);
        if (exchange.guard.blocked()) {
            throw GuardException.blocked(exchange.guard.blockingCategory(), exchange.requestId);
        }
    }

    private void stream(Exchange exchange, ChatRequest chat, ObjectNode upstream, SseResponse sse) {
        // Always ask for a usage chunk so the ledger has token counts; StreamUsage hides it again
        // from clients that did not ask.
        upstream.withObject("stream_options").put("include_usage", true);
        ScreenedStream screened = exchange.output == null ? null : new ScreenedStream(sse, exchange.output, exchange.requestId);
        StreamUsage usage = new StreamUsage(screened == null ? sse : screened, chat.clientWantsUsage());
        ChunkSink sink = usage;
        if (audit.enabled() || exchange.memory.hasThread()) {
            exchange.transcript = new StreamTranscript(usage);
            sink = exchange.transcript;
        }
        long start = System.nanoTime();
        try {
            exchange.target.provider().streamChat(upstream, exchange.trace, sink);
            if (screened != null) {
                screened.finish();
            }
        } finally {
            exchange.upstreamNanos = System.nanoTime() - start;
            exchange.usage = usage.usage();
        }
        audit.record(exchange);
        rememberTurns(exchange);
        finish(exchange);
        sse.done();
    }

    public void embeddings(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Exchange exchange = start("embeddings", request, response);
        try {
            EmbeddingsRequest embeddings = EmbeddingsRequest.of(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)));
            audit.capture(exchange, request, embeddings.body());
            exchange.target = router.route(embeddings.model(), exchange.principal);
            exchange.admission = limits.admit(request, response, embeddings.body(), embeddings.model(),
                    exchange.target.qualifiedModel());
            ObjectNode upstream = embeddings.body();
            upstream.put("model", exchange.target.upstreamModel());
            timed(exchange, () -> exchange.target.provider().embeddings(upstream, exchange.trace));
            audit.record(exchange);
            finish(exchange);
            respondJson(response, exchange.responseBody);
        } catch (IOException e) {
            clientGone(exchange);
        } catch (RuntimeException e) {
            throw auditFailure(exchange, e);
        } finally {
            finish(exchange);
        }
    }

    /**
     * The exchange's last steps, once: audited if it was not yet, then usage ledger, metrics and
     * rate limits. A successful answer runs them before its last bytes go out, so that the
     * client's next request finds its buckets settled; a failed one on the way out.
     */
    private void finish(Exchange exchange) {
        if (exchange.finished) {
            return;
        }
        exchange.finished = true;
        audit.recordQuietly(exchange);
        recorder.record(exchange);
        // After the usage ledger has the request, so that a budget's next sum cannot miss its cost.
        limits.settle(exchange.admission, exchange.status, exchange.usage.promptTokens(), exchange.usage.completionTokens());
    }

    private static Exchange start(String route, HttpServletRequest request, HttpServletResponse response) {
        Exchange exchange = new Exchange(route, Principal.of(request), trace(request));
        response.setHeader(REQUEST_ID_HEADER, exchange.requestId);
        return exchange;
    }

    /**
     * Notes a failure on the exchange and records it in the audit log before the client hears of
     * it; if that record cannot be committed, the client is told so (503) instead.
     */
    private RuntimeException auditFailure(Exchange exchange, RuntimeException e) {
        exchange.failed(errorOf(e));
        try {
            audit.record(exchange);
            return e;
        } catch (AuditException unrecorded) {
            exchange.failed(unrecorded.error());
            return unrecorded;
        }
    }

    /** Calls the provider, noting its latency and token counts on the exchange; returns the body. */
    private static void timed(Exchange exchange, Supplier<ProviderResult> call) {
        long start = System.nanoTime();
        try {
            exchange.answered(call.get());
        } finally {
            exchange.upstreamNanos = System.nanoTime() - start;
        }
    }

    /** Recorded as nginx's 499 "client closed request": nobody was left to answer. */
    private static void clientGone(Exchange exchange) {
        exchange.status = 499;
        exchange.errorCode = "client_disconnected";
    }

    /** What the client is told about a failure; unexpected ones say no more than "internal". */
    private static ApiError errorOf(RuntimeException e) {
        return e instanceof CairnException cairn ? cairn.error() : ApiError.INTERNAL;
    }

    private static void sendStreamError(SseResponse sse, ApiError error) {
        try {
            sse.send(ErrorBodies.tree(error).toString());
            sse.done();
        } catch (ClientGoneException ignored) {
            // The client left as well; the exchange is recorded either way.
        }
    }

    private static void respondJson(HttpServletResponse response, byte[] body) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static TraceContext trace(HttpServletRequest request) {
        return (TraceContext) request.getAttribute(TraceContext.REQUEST_ATTRIBUTE);
    }
}
