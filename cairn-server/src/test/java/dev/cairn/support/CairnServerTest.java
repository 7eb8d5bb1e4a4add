package dev.cairn.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import com.openai.client.OpenAIClient;
import dev.cairn.ledger.LogReader;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Base of the end-to-end tests: the whole Cairn server on a random port with a SQLite file in a
 * temp dir (deleted when the JVM ends), an OpenAI-compatible fake upstream ("fake"), a provider nobody listens for ("dead"),
 * one whose host never answers a connect ("silent"),
 * and a bootstrap admin key. Every subclass shares one server, so the suite starts it once.
 */
// Every test here shares fake/gpt-fake, and many make it fail on purpose: with the default breaker
// it opened part-way through the suite and later tests met a 503 no_deployment_available. A window
// no test fills keeps it closed; tests about breakers set their own (dynamic properties win over these).
// Retries wait milliseconds here, not the default 100 ms and up.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"cairn.routing.breaker.window=1000", "cairn.routing.breaker.minimum-calls=1000",
                "cairn.routing.backoff=5ms", "cairn.routing.max-backoff=20ms"})
public abstract class CairnServerTest {

    protected static final FakeUpstream UPSTREAM = FakeUpstream.start();
    /** Plays Anthropic's Messages API; tests script its answers. */
    protected static final FakeUpstream ANTHROPIC = FakeUpstream.start();
    /** Never completes a TCP handshake: provider "silent" times out connecting. */
    private static final UnansweredPort SILENT = UnansweredPort.open();
    protected static final String ADMIN_KEY = randomKey();
    protected static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Path DATA_DIR = ServerDataDir.create("cairn-e2e");

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void cairn(DynamicPropertyRegistry registry) {
        registry.add("cairn.data-dir", DATA_DIR::toString);
        registry.add("cairn.bootstrap-admin-key", () -> ADMIN_KEY);
        registry.add("cairn.providers.fake.type", () -> "openai");
        registry.add("cairn.providers.fake.base-url", UPSTREAM::baseUrl);
        registry.add("cairn.providers.fake.api-key", () -> "sk-upstream-secret");
        registry.add("cairn.providers.fake.models[0]", () -> "gpt-fake");
        registry.add("cairn.providers.fake.read-timeout", () -> "2s");
        registry.add("cairn.providers.dead.type", () -> "openai");
        registry.add("cairn.providers.dead.base-url", () -> "http://127.0.0.1:1/v1");
        registry.add("cairn.providers.silent.type", () -> "openai");
        registry.add("cairn.providers.silent.base-url", SILENT::baseUrl);
        registry.add("cairn.providers.silent.connect-timeout", () -> "300ms");
        registry.add("cairn.providers.claude.type", () -> "anthropic");
        registry.add("cairn.providers.claude.base-url", ANTHROPIC::baseUrl);
        registry.add("cairn.providers.claude.api-key", () -> "sk-ant-secret");
        registry.add("cairn.aliases.fast", () -> "fake/gpt-fake");
        registry.add("cairn.pricing[0].model", () -> "fake/gpt-fake");
        registry.add("cairn.pricing[0].input", () -> "2.5");
        registry.add("cairn.pricing[0].output", () -> "10");
        registry.add("cairn.gateway.max-body-size", () -> "64KB");
        registry.add("cairn.guard.workspaces.guard-canary.canary.action", () -> "block");
        registry.add("cairn.guard.workspaces.guard-out-block.secrets.action", () -> "block");
    }

    @BeforeEach
    void resetUpstream() {
        UPSTREAM.reset();
        ANTHROPIC.reset();
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /**
     * The log's resources over HTTP under {@code key}, as {@code cairn verify --url} reads them:
     * 404 is a resource the log does not have, any other status but 200 a failure.
     */
    protected LogReader logReader(String key) {
        return path -> {
            HttpResponse<byte[]> response;
            try {
                response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/log/" + path)))
                        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (response.statusCode() == 404) {
                throw new FileNotFoundException(path);
            }
            if (response.statusCode() != 200) {
                throw new IOException(path + ": " + response.statusCode());
            }
            return response.body();
        };
    }

    protected OpenAIClient openAi(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(url("/v1")).apiKey(key).maxRetries(0).build();
    }

    /** Creates a key with a role ("user", "auditor", "admin") through the admin API; returns its secret. */
    protected String createKeyWithRole(String workspace, String role) {
        HttpResponse<String> response = post("/admin/keys", ADMIN_KEY, """
                {"workspace":"%s","name":"test-%s","role":"%s"}""".formatted(workspace, role, role));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("key creation failed: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("secret").stringValue();
    }

    /** Creates a key through the admin API and returns its secret. */
    protected String createKey(String workspace, String... allowedModels) {
        StringBuilder models = new StringBuilder();
        for (String model : allowedModels) {
            models.append(models.isEmpty() ? "" : ",").append('"').append(model).append('"');
        }
        HttpResponse<String> response = post("/admin/keys", ADMIN_KEY, """
                {"workspace":"%s","name":"test","allowed_models":[%s]}""".formatted(workspace, models));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("key creation failed: " + response.statusCode() + " " + response.body());
        }
        return json(response).get("secret").stringValue();
    }

    protected HttpResponse<String> post(String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    protected HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    /**
     * Builds a dataset version as a client does: {@code POST /v1/datasets} answers 202 with the version
     * {@code building}, then {@code GET /v1/datasets/{id}} is polled until its state is no longer that.
     * Answers the last description, built or failed.
     */
    protected JsonNode buildDataset(String key, String filterJson) {
        HttpResponse<String> started = post("/v1/datasets", key, "{\"filter\":" + filterJson + "}");
        if (started.statusCode() != 202) {
            throw new IllegalStateException("dataset build not accepted: " + started.statusCode() + " " + started.body());
        }
        String id = json(started).path("id").asString();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode dataset = json(get("/v1/datasets/" + id, key));
            if (!"building".equals(dataset.path("state").asString()) || System.nanoTime() > deadline) {
                return dataset;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    protected static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A refusal in the OpenAI error shape: its status, code, a message, (unless null) the parameter
     * it names, and no stack trace.
     */
    protected static void assertRefused(HttpResponse<String> response, int status, String code, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response).path("error");
        assertThat(error.path("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(error.path("message").asString()).as(response.body()).isNotBlank();
        if (param != null) {
            assertThat(error.path("param").asString()).as(response.body()).isEqualTo(param);
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return FakeUpstream.JSON.readTree(response.body());
    }

    public static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "ck_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
