package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cairn serve --port --data-dir --config} with the provider block operators copy from the
 * README: the api-key comes from the environment through a {@code ${...}} placeholder.
 */
class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void servesWithTheReadmeProviderFormFromAConfigFile() throws Exception {
        try (FakeUpstream openrouter = FakeUpstream.start()) {
            Path config = dir.resolve("cairn.yaml");
            Files.writeString(config, """
                    cairn:
                      providers:
                        openrouter:
                          type: openai
                          base-url: %s
                          api-key: ${OPENROUTER_API_KEY}
                    """.formatted(openrouter.baseUrl()));
            // Placeholders resolve from system properties exactly as from environment variables.
            System.setProperty("OPENROUTER_API_KEY", "sk-or-from-env");
            String admin = CairnServerTest.randomKey();
            System.setProperty("cairn.bootstrap-admin-key", admin);
            int port = freePort();
            Path dataDir = dir.resolve("data");
            ServeCommand serve = new ServeCommand();
            int exit = new CommandLine(serve).execute("--port", Integer.toString(port), "--data-dir", dataDir.toString(),
                    "--config", config.toString());
            try {
                assertThat(exit).isZero();
                assertThat(dataDir.resolve("cairn.db")).exists();
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + admin)
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model":"openrouter/anthropic/claude-sonnet-4","messages":[{"role":"user","content":"hi"}]}"""))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                FakeUpstream.Received received = openrouter.last();
                assertThat(received.json().get("model").stringValue()).isEqualTo("anthropic/claude-sonnet-4");
                assertThat(FakeUpstream.flat(received.headers()).get("Authorization")).isEqualTo("Bearer sk-or-from-env");
            } finally {
                System.clearProperty("OPENROUTER_API_KEY");
                System.clearProperty("cairn.bootstrap-admin-key");
                if (serve.context != null) {
                    serve.context.close();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
