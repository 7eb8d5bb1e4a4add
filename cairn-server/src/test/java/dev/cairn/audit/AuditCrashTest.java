package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.LogVerifier;
import dev.cairn.ledger.NoteVerifier;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a Cairn process with SIGKILL in the middle of a load run and restarts it on the same data
 * dir: every request whose answer a client received must have its entry, and the log must verify.
 */
class AuditCrashTest {

    private static final String ADMIN = CairnServerTest.randomKey();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dataDir;

    @Test
    void everyAnsweredRequestSurvivesAKillNineAndTheLogStillVerifies() throws Exception {
        int port = freePort();
        Process cairn = start(port);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicBoolean loading = new AtomicBoolean(true);
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            for (int c = 0; c < 8; c++) {
                clients.submit(() -> {
                    while (loading.get()) {
                        try {
                            HttpResponse<String> response = chat(port);
                            if (response.statusCode() == 200) {
                                answered.add(response.headers().firstValue("Cairn-Request-Id").orElseThrow());
                            }
                        } catch (IOException e) {
                            // The server is gone: this answer never arrived, so it is owed nothing.
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(3000);
            cairn.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
            Thread.sleep(200);
            loading.set(false);
        }
        assertThat(answered).as("requests answered before the kill").hasSizeGreaterThan(50);

        Set<String> recorded = new HashSet<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("cairn.db"));
             ResultSet rows = db.createStatement().executeQuery("SELECT event_id FROM audit_entries")) {
            while (rows.next()) {
                recorded.add(rows.getString(1));
            }
        }
        assertThat(recorded).containsAll(answered);

        Process restarted = start(port);
        try {
            NoteVerifier vkey = NoteVerifier.parse(get(port, "/log/vkey", null).body());
            get(port, "/log/checkpoint", ADMIN);
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/log/checkpoint"))
                    .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            LogVerifier verifier = new LogVerifier(path -> {
                HttpResponse<byte[]> response;
                try {
                    response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/log/" + path))
                            .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                if (response.statusCode() == 404) {
                    throw new FileNotFoundException(path);
                }
                return response.body();
            }, vkey);
            Checkpoint latest = verifier.latestCheckpoint();
            LogVerifier.Report report = verifier.verifyTree(latest, LogVerifier.Entries.ALL);
            assertThat(latest.size()).isGreaterThanOrEqualTo(answered.size());
            assertThat(report.entriesChecked()).isEqualTo(latest.size());
            String someRequest = answered.iterator().next();
            assertThat(get(port, "/v1/audit/requests/" + someRequest, ADMIN).statusCode()).isEqualTo(200);
        } finally {
            restarted.destroy();
            restarted.waitFor();
        }
    }

    private Process start(int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "dev.cairn.CairnApplication", "serve", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()));
        builder.environment().put("CAIRN_BOOTSTRAP_ADMIN_KEY", ADMIN);
        builder.redirectErrorStream(true).redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile());
        Process process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Cairn exited with " + process.exitValue());
            }
            try {
                if (get(port, "/health/ready", null).statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Cairn did not become ready in 60 s");
    }

    private HttpResponse<String> chat(int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"cairn/echo","user":"crash-test","messages":[{"role":"user","content":"do not lose me"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port, String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
