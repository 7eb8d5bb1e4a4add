package dev.cairn.bench;

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
 * <pre>java -cp … dev.cairn.bench.FakeUpstream [port] [event-loops]</pre>
 *
 * Several verticle instances share the listening socket so that the fake can use every core it
 * is given; by default one per core.
 */
public final class FakeUpstream extends VerticleBase {

    private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

    private final int port;
    private final FakeResponses responses = FakeResponses.build();
    private final CharSequence completionLength = HttpHeaders.createOptimized(
            String.valueOf(responses.completion().length()));

    private FakeUpstream(int port) {
        this.port = port;
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9100;
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new FakeUpstream(port),
                        new DeploymentOptions().setInstances(loops).setThreadingModel(ThreadingModel.EVENT_LOOP))
                .onSuccess(id -> System.out.println("fake upstream listening on 127.0.0.1:" + port
                        + " with " + loops + " event loops"))
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
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    private void answer(HttpServerRequest request, Buffer body) {
        var response = request.response();
        if (STREAM_TRUE.matcher(body.toString()).find()) {
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
