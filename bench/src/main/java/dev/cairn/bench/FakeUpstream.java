package dev.cairn.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * A stand-in OpenAI upstream that answers {@code POST /v1/chat/completions} from precomputed
 * bytes, as JSON or, when the body asks for {@code "stream":true}, as server-sent events.
 *
 * <pre>java -cp … dev.cairn.bench.FakeUpstream [port] [event-loops] [--fail-ratio R] [--fail-status S]</pre>
 *
 * Several verticle instances share the listening socket so that the fake can use every core it
 * is given; by default one per core.
 *
 * <p>Faults, for the routing benchmark: {@code --fail-ratio 0.5} answers that share of the chat
 * completions, at random, with {@code --fail-status} (default 503) and an OpenAI-style error body.
 * {@code POST /admin/down} makes the fake go down for good: it answers with the epoch millisecond of
 * the moment, then closes every server instance, so the listening socket is gone (connections are
 * refused) and the connections it had are closed; the process stays up until it is killed.
 */
public final class FakeUpstream extends VerticleBase {

    private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
    private static final Buffer ERROR = Buffer.buffer(
            "{\"error\":{\"message\":\"fake upstream: injected failure\",\"type\":\"server_error\",\"code\":null}}");

    private final int port;
    private final double failRatio;
    private final int failStatus;
    private final FakeResponses responses = FakeResponses.build();
    private final CharSequence completionLength = HttpHeaders.createOptimized(
            String.valueOf(responses.completion().length()));

    private FakeUpstream(int port, double failRatio, int failStatus) {
        this.port = port;
        this.failRatio = failRatio;
        this.failStatus = failStatus;
    }

    public static void main(String[] args) {
        int port = 9100;
        int loops = Runtime.getRuntime().availableProcessors();
        double failRatio = 0;
        int failStatus = 503;
        int positional = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fail-ratio" -> failRatio = Double.parseDouble(args[++i]);
                case "--fail-status" -> failStatus = Integer.parseInt(args[++i]);
                default -> {
                    if (positional++ == 0) {
                        port = Integer.parseInt(args[i]);
                    } else {
                        loops = Integer.parseInt(args[i]);
                    }
                }
            }
        }
        if (failRatio < 0 || failRatio > 1) {
            throw new IllegalArgumentException("--fail-ratio must be between 0 and 1: " + failRatio);
        }
        int listenPort = port;
        int instances = loops;
        double ratio = failRatio;
        int status = failStatus;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
        vertx.deployVerticle(() -> new FakeUpstream(listenPort, ratio, status),
                        new DeploymentOptions().setInstances(instances).setThreadingModel(ThreadingModel.EVENT_LOOP))
                .onSuccess(id -> System.out.println("fake upstream listening on 127.0.0.1:" + listenPort
                        + " with " + instances + " event loops"
                        + (ratio > 0 ? ", failing " + ratio + " of the completions with " + status : "")))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                        .setTcpNoDelay(true).setCompressionSupported(false))
                .requestHandler(this::handle)
                .listen();
    }

    private void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET && "/health".equals(request.path())) {
            request.response().end("ok");
        } else if (request.method() == HttpMethod.POST && "/v1/chat/completions".equals(request.path())) {
            request.body().onSuccess(body -> answer(request, body));
        } else if (request.method() == HttpMethod.POST && "/admin/down".equals(request.path())) {
            goDown(request);
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    /** Answers with the moment, then undeploys every instance: their servers close, and with the last the socket. */
    private void goDown(HttpServerRequest request) {
        long at = System.currentTimeMillis();
        System.out.println("going down at " + at);
        request.response().putHeader(HttpHeaders.CONNECTION, "close").end(String.valueOf(at))
                .onComplete(done -> vertx.deploymentIDs().forEach(vertx::undeploy));
    }

    private void answer(HttpServerRequest request, Buffer body) {
        var response = request.response();
        if (failRatio > 0 && ThreadLocalRandom.current().nextDouble() < failRatio) {
            response.setStatusCode(failStatus).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(ERROR);
        } else if (STREAM_TRUE.matcher(body.toString()).find()) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                    .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE)
                    .setChunked(true)
                    .end(responses.stream());
        } else {
            response.putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, completionLength)
                    .end(responses.completion());
        }
    }
}
