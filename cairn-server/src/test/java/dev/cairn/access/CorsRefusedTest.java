package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * With {@code cairn.cors.allowed-origins} left empty no web page may call Cairn: a browser's
 * pre-flight gets a 403 in the OpenAI shape (not, as it once did, a 500 with a stack trace in the
 * log from the key check it met first), and an actual request gets no CORS header.
 */
class CorsRefusedTest extends CairnServerTest {

    @Test
    void aPreFlightFromAnyOriginIsRefusedWith403AndNothingLoggedAtError() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        HttpResponse<String> response;
        try {
            response = preFlight("/v1/chat/completions", "https://evil.example");
        } finally {
            root.detachAppender(logged);
        }

        assertRefused(response, 403, "cors_origin_not_allowed", null);
        assertThat(json(response).path("error").path("type").asString()).isEqualTo("permission_error");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(logged.list).noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
    }

    @Test
    void aPreFlightOutsideTheApiIsRefusedToo() {
        assertRefused(preFlight("/admin/keys", "https://evil.example"), 403, "cors_origin_not_allowed", null);
    }

    @Test
    void anActualRequestFromAnOriginGetsNoCorsHeaderAndIsStillAuthenticated() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url("/v1/models")))
                .header("Origin", "https://evil.example").GET().build());

        assertRefused(response, 401, "missing_api_key", null);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    static HttpResponse<String> preFlightTo(String url, String origin, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    private HttpResponse<String> preFlight(String path, String origin) {
        return preFlightTo(url(path), origin);
    }
}
