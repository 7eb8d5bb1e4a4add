package dev.cairn.bench;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * One event loop's share of the load: its own HTTP/1.1 client (keep-alive, no pipelining) whose
 * connections all live on this verticle's event loop, so requests never hop threads.
 */
final class Lane extends VerticleBase {

    /** State every lane shares with the driver. */
    record Shared(LoadOptions options, LatencyStats stats, AtomicBoolean running, AtomicLong inFlight) {
    }

    /** The number the next {@code --vary} body gets, across lanes. */
    private static final AtomicLong VARIED = new AtomicLong();

    private final Shared shared;
    private final int connections;
    private final Buffer body;
    private HttpClientAgent client;
    private RequestOptions request;

    Lane(Shared shared, int connections) {
        this.shared = shared;
        this.connections = connections;
        this.body = Buffer.buffer(shared.options().body());
    }

    @Override
    public Future<?> start() {
        LoadOptions options = shared.options();
        client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setKeepAlive(true).setPipelining(false).setTcpNoDelay(true)
                        .setKeepAliveTimeout(120).setDecompressionSupported(false))
                .with(new PoolOptions().setHttp1MaxSize(connections))
                .build();
        MultiMap headers = HttpHeaders.headers().add(HttpHeaders.CONTENT_TYPE, "application/json");
        options.headers().forEach(h -> headers.set(h.name(), h.value()));
        request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(options.url().toString())
                .setHeaders(headers).setIdleTimeout(options.timeout().toMillis())
                .setConnectTimeout(options.timeout().toMillis());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        return client.close();
    }

    /** Closed loop: {@code workers} request chains, each sending again as soon as it has an answer. */
    void startWorkers(int workers) {
        context.runOnContext(v -> {
            for (int i = 0; i < workers; i++) {
                nextClosed();
            }
        });
    }

    private void nextClosed() {
        if (!shared.running().get()) {
            return;
        }
        long start = System.nanoTime();
        exchange().onComplete(result -> {
            record(result, System.nanoTime() - start, start);
            nextClosed();
        });
    }

    /**
     * Open loop: sends one request whose latency counts from {@code intendedNanos}, the time the
     * schedule wanted it sent, so a stalled server is charged for every request it held back
     * (no coordinated omission). Only requests intended inside the measured window are tallied.
     */
    void sendScheduled(long intendedNanos, long windowStartNanos) {
        context.runOnContext(v -> {
            boolean measured = intendedNanos - windowStartNanos >= 0;
            if (measured) {
                shared.stats().sendLag(System.nanoTime() - intendedNanos);
            }
            exchange().onComplete(result -> {
                if (measured) {
                    record(result, System.nanoTime() - intendedNanos, intendedNanos);
                }
            });
        });
    }

    private void record(AsyncResult<Integer> result, long latencyNanos, long intendedNanos) {
        if (result.failed()) {
            shared.stats().failure("error:" + result.cause().getClass().getSimpleName(), intendedNanos);
        } else if (result.result() == 200) {
            shared.stats().success(latencyNanos, intendedNanos);
        } else {
            shared.stats().failure("http:" + result.result(), intendedNanos);
        }
    }

    /** One request; the answer body is read to the end so the connection can be reused. */
    private Future<Integer> exchange() {
        shared.inFlight().incrementAndGet();
        String vary = shared.options().varyToken();
        Buffer sent = vary == null ? body
                : Buffer.buffer(body.toString().replace(vary, Long.toString(VARIED.incrementAndGet())));
        return client.request(request)
                .compose(req -> req.send(sent))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .andThen(done -> shared.inFlight().decrementAndGet());
    }
}
