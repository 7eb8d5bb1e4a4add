package dev.cairn.cli;

import static dev.cairn.support.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code cairn export dataset} beside a running server, and {@code cairn verify --dataset} on what it
 * wrote: every row proven from logged entries under a signed checkpoint, and one flipped byte fails it.
 */
class DatasetCliTest extends CairnServerTest {

    @TempDir
    Path dir;

    @Value("${cairn.data-dir}")
    String dataDir;

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.helpful.type", () -> "boolean");
    }

    private String chat(String key, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","n":2,"user":"frank","messages":[{"role":"user","content":"%s"}]}""".formatted(prompt));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    @Test
    void anExportedDatasetVerifiesOfflineUntilOneByteOfARowChanges() throws Exception {
        String key = createKey("ws-ds-cli");
        String first = chat(key, "secret-ish prompt one");
        String second = chat(key, "secret-ish prompt one");
        HttpResponse<String> feedback = post("/v1/feedback", key, """
                {"feedback":[{"request_id":"%1$s","metric":"helpful","value":true},
                  {"request_id":"%1$s","chosen_choice":1,"rejected_choice":0,"rationale":"better"},
                  {"chosen_request_id":"%2$s","rejected_request_id":"%1$s"}]}""".formatted(first, second));
        assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
        JsonNode built = buildDataset(key, "{}");
        assertThat(built.path("state").asString()).as(built.toString()).isEqualTo("built");
        String id = built.path("id").asString();
        chat(key, "after the cut"); // the log grows past the cut before the export

        Path bundle = dir.resolve("bundle");
        CliRun export = run("export", "dataset", id, "--data-dir", dataDir, "--out", bundle.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stdout()).contains("exported 2 rows of " + id);
        String vkey = run("log", "vkey", "--data-dir", dataDir).stdout().strip();
        assertThat(get("/log/vkey", null).body().strip()).isEqualTo(vkey);

        CliRun verified = run("verify", "--dataset", bundle.toString(), "--vkey", vkey);
        assertThat(verified.exit()).as(verified.stderr()).isZero();
        assertThat(verified.stdout()).contains("dataset " + id, "2 rows from", "OK");

        Path rows = bundle.resolve("rows.jsonl");
        byte[] original = Files.readAllBytes(rows);
        int at = new String(original, StandardCharsets.UTF_8).indexOf("secret-ish") + 3;
        byte[] changed = original.clone();
        changed[at] ^= 0x01; // one letter of a prompt: still valid JSON, still the same sources
        Files.write(rows, changed);
        CliRun tampered = run("verify", "--dataset", bundle.toString(), "--vkey", vkey);
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.stderr()).contains("FAILED", "rows_root");
        Files.write(rows, original);

        String rowsText = new String(original, StandardCharsets.UTF_8);
        Files.writeString(rows, rowsText.replaceFirst("\"value\":true", "\"value\":false"));
        CliRun relabelled = run("verify", "--dataset", bundle.toString(), "--vkey", vkey);
        assertThat(relabelled.exit()).isEqualTo(1);
        assertThat(relabelled.stderr()).contains("FAILED", "'value' differs");
        Files.write(rows, original);

        CliRun otherKey = run("verify", "--dataset", bundle.toString(), "--vkey",
                "other.example/log+01020304+" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertThat(otherKey.exit()).isNotZero();

        assertThat(run("verify", "--dataset", bundle.toString(), "--vkey", vkey).exit()).isZero();
        assertThat(run("export", "dataset", "ds_nope", "--data-dir", dataDir, "--out", dir.resolve("x").toString()).exit()).isEqualTo(1);
    }
}
