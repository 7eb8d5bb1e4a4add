package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.ServerDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server with one allowed origin: its pre-flights to the /v1 API are answered as CORS asks, its
 * requests carry {@code Access-Control-Allow-Origin}, and other origins, methods and headers are
 * refused. A server of its own, so the shared end-to-end server keeps the default of no origins.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class CorsAllowedTest {

    static final String ADMIN_KEY = CairnServerTest.randomKey();
    static final String ORIGIN = "https://app.example.com";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) {
        registry.add("cairn.data-dir", ServerDataDir.create("cairn-cors")::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
        registry.add("cairn.providers.idle.type", () -> "openai");
        registry.add("cairn.providers.idle.base-url", () -> "http://127.0.0.1:1/v1");
        registry.add("cairn.cors.allowed-origins", () -> "HTTPS://App.Example.com, http://localhost:5173");
    }

    @Test
    void aPreFlightFromAnAllowedOriginIsAnsweredWithoutAKey() {
        HttpResponse<String> response = CorsRefusedTest.preFlightTo(url("/v1/chat/completions"), ORIGIN,
                "Access-Control-Request-Headers", "authorization, content-type, cairn-thread, x-stainless-os");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).contains("GET, POST, DELETE, PATCH, PUT, OPTIONS");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .contains("authorization, content-type, cairn-thread, x-stainless-os");
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).contains("600");
        assertThat(response.headers().allValues("Vary").toString()).contains("Origin");
    }

    @Test
    void anActualRequestFromAnAllowedOriginMayBeReadByItsPage() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/v1/models")))
                .header("Origin", "http://localhost:5173").header("Authorization", "Bearer " + ADMIN_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:5173");
    }

    @Test
    void otherOriginsMethodsAndHeadersAreRefused() {
        HttpResponse<String> otherOrigin = CorsRefusedTest.preFlightTo(url("/v1/chat/completions"), "https://app.example.com.evil.example");
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        assertThat(otherOrigin.body()).contains("\"code\":\"cors_origin_not_allowed\"");

        HttpResponse<String> header = CorsRefusedTest.preFlightTo(url("/v1/chat/completions"), ORIGIN,
                "Access-Control-Request-Headers", "authorization, x-forwarded-for");
        assertThat(header.statusCode()).isEqualTo(403);
        assertThat(header.body()).contains("\"code\":\"cors_header_not_allowed\"");

        HttpResponse<String> admin = CorsRefusedTest.preFlightTo(url("/admin/keys"), ORIGIN);
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(admin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
