package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Cairn processes (separate JVMs, separate databases) sharing one workspace limit through the
 * machine's Redis: hammered in parallel, both together admit exactly the limit.
 */
class SharedLimitsTwoProcessesTest {

    private static final String ADMIN = CairnServerTest.randomKey();
    private static final int LIMIT = 30;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String prefix = "cairn-test:" + UUID.randomUUID() + ":";

    @TempDir
    Path dir;

    @Test
    void twoProcessesTogetherAdmitExactlyTheSharedLimit() throws Exception {
        Path config = dir.resolve("cairn.yaml");
        Files.writeString(config, """
                cairn:
                  redis:
                    url: %s
                  limits:
                    redis-prefix: "%s"
                    defaults:
                      workspace:
                        requests-per-day: %d
                """.formatted(RedisBucketsTest.REDIS_URL, prefix, LIMIT));
        int[] ports = {freePort(), freePort()};
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                processes.add(start(ports[i], dir.resolve("data-" + i), config));
            }
            for (int i = 0; i < 2; i++) {
                awaitReady(processes.get(i), ports[i]);
            }
            int admitted = 0;
            int refused = 0;
            try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<int[]>> futures = new ArrayList<>();
                for (int t = 0; t < 32; t++) {
                    int port = ports[t % 2];
                    futures.add(pool.submit(() -> {
                        go.await();
                        int[] counts = new int[2];
                        for (int i = 0; i < 4; i++) {
                            int status = chat(port).statusCode();
                            assertThat(status).isIn(200, 429);
                            counts[status == 200 ? 0 : 1]++;
                        }
                        return counts;
                    }));
                }
                go.countDown();
                for (Future<int[]> future : futures) {
                    int[] counts = future.get();
                    admitted += counts[0];
                    refused += counts[1];
                }
            }
            assertThat(admitted).as("both processes draw on one bucket in Redis").isEqualTo(LIMIT);
            assertThat(refused).isEqualTo(32 * 4 - LIMIT);
            HttpResponse<String> other = chat(ports[1]);
            assertThat(other.statusCode()).isEqualTo(429);
            assertThat(other.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        } finally {
            for (Process process : processes) {
                process.destroy();
            }
            for (Process process : processes) {
                process.waitFor();
            }
            RedisBucketsTest.deleteKeys(prefix);
        }
    }

    private Process start(int port, Path dataDir, Path config) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "dev.cairn.CairnApplication", "serve", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(), "--config", config.toString()));
        builder.environment().put("CAIRN_BOOTSTRAP_ADMIN_KEY", ADMIN);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("cairn-" + port + ".log").toFile());
        return builder.start();
    }

    private void awaitReady(Process process, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Cairn exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("cairn-" + port + ".log")));
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Cairn did not become ready in 120 s");
    }

    private HttpResponse<String> chat(int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"cairn/echo","messages":[{"role":"user","content":"count me once"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
