package dev.cairn.gateway;

import java.io.IOException;
import java.util.function.Supplier;

import dev.cairn.access.Principal;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.CairnException;
import dev.cairn.platform.CairnProperties;
import dev.cairn.platform.ErrorBodies;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.TraceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole path of a gateway request, in order, in one place:
 *
 * <ol>
 *   <li>authenticate: done before any handler by {@code ApiKeyInterceptor}; here we read its principal;</li>
 *   <li>validate: read the body (size-limited), parse it, check the fields Cairn interprets;</li>
 *   <li>route: model name to provider, checked against the key's allow-list;</li>
 *   <li>call the provider, streaming chunk by chunk when asked;</li>
 *   <li>record: usage ledger and metrics, for failures too;</li>
 *   <li>respond.</li>
 * </ol>
 *
 * Later steps (rate limits, guards, memory, audit) slot in here, each as one call.
 */
@Component
public class GatewayPipeline {

    private static final Logger log = LoggerFactory.getLogger(GatewayPipeline.class);

    private final ModelRouter router;
    private final ExchangeRecorder recorder;
    private final long maxBodyBytes;

    public GatewayPipeline(ModelRouter router, ExchangeRecorder recorder, CairnProperties properties) {
        this.router = router;
        this.recorder = recorder;
        this.maxBodyBytes = properties.gateway().maxBodySize().toBytes();
    }

    public void chatCompletion(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Exchange exchange = new Exchange("chat.completions", Principal.of(request), trace(request));
        SseResponse sse = new SseResponse(response);
        try {
            ChatRequest chat = ChatRequest.of(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)));
            exchange.target = router.route(chat.model(), exchange.principal);
            router.checkFallbacks(chat.body().get("models"), exchange.target, exchange.principal);
            exchange.stream = chat.stream();
            ObjectNode upstream = chat.body();
            upstream.put("model", exchange.target.upstreamModel());
            if (chat.stream()) {
                stream(exchange, chat, upstream, sse);
            } else {
                respondJson(response, timed(exchange, () -> exchange.target.provider().chat(upstream, exchange.trace)));
            }
        } catch (ClientGoneException | IOException e) {
            // The client's connection failed while we read its body or wrote the answer.
            clientGone(exchange);
        } catch (RuntimeException e) {
            ApiError error = errorOf(e);
            exchange.failed(error);
            if (!sse.started()) {
                throw e;
            }
            // Headers are gone: the error travels as the stream's last event.
            if (!(e instanceof CairnException)) {
                log.error("Stream failed after it started", e);
            }
            sendStreamError(sse, error);
        } finally {
            recorder.record(exchange);
        }
    }

    private void stream(Exchange exchange, ChatRequest chat, ObjectNode upstream, SseResponse sse) {
        // Always ask for a usage chunk so the ledger has token counts; StreamUsage hides it again
        // from clients that did not ask.
        upstream.withObject("stream_options").put("include_usage", true);
        StreamUsage usage = new StreamUsage(sse, chat.clientWantsUsage());
        long start = System.nanoTime();
        try {
            exchange.target.provider().streamChat(upstream, exchange.trace, usage);
        } finally {
            exchange.upstreamNanos = System.nanoTime() - start;
            exchange.usage = usage.usage();
        }
        sse.done();
    }

    public void embeddings(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Exchange exchange = new Exchange("embeddings", Principal.of(request), trace(request));
        try {
            EmbeddingsRequest embeddings = EmbeddingsRequest.of(JsonBodies.parseObject(JsonBodies.read(request, maxBodyBytes)));
            exchange.target = router.route(embeddings.model(), exchange.principal);
            ObjectNode upstream = embeddings.body();
            upstream.put("model", exchange.target.upstreamModel());
            respondJson(response, timed(exchange, () -> exchange.target.provider().embeddings(upstream, exchange.trace)));
        } catch (IOException e) {
            clientGone(exchange);
        } catch (RuntimeException e) {
            exchange.failed(errorOf(e));
            throw e;
        } finally {
            recorder.record(exchange);
        }
    }

    /** Calls the provider, noting its latency and token counts on the exchange; returns the body. */
    private static byte[] timed(Exchange exchange, Supplier<ProviderResult> call) {
        long start = System.nanoTime();
        try {
            ProviderResult result = call.get();
            exchange.usage = result.usage();
            return result.body();
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
