package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * After a server has served chat with thread memory, signed a checkpoint and written a dataset
 * export, everything it wrote under its data dir is its owner's only, as {@code keys_sealed}
 * reports, though this JVM's umask (0022) would make new files 0644.
 */
class DataDirModesEndToEndTest extends CairnServerTest {

    @Value("${cairn.data-dir}")
    String dataDir;

    @TempDir
    Path scratch;

    @Test
    void everyDirectoryUnderTheDataDirIs0700AndEveryFile0600AfterTraffic() throws Exception {
        Path probe = Files.createFile(scratch.resolve("umask-probe"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(probe))).isEqualTo("rw-r--r--");
        String key = createKey("ws-data-at-rest");
        String auditor = createKeyWithRole("ws-data-at-rest", "auditor");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> chat = send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("Cairn-Thread", "thr-at-rest")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"cairn/echo","user":"erin","messages":[{"role":"user","content":"the meeting moved to room %d"}]}"""
                            .formatted(i))).build());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        }
        assertThat(post("/log/checkpoint", auditor, "").statusCode()).isEqualTo(200);
        JsonNode dataset = buildDataset(key, "{}");
        assertThat(dataset.path("state").asString()).as(dataset.toString()).isEqualTo("built");
        String id = dataset.path("id").asString();
        HttpResponse<String> started = post("/v1/datasets/" + id + "/exports", key, "{\"format\":\"jsonl\"}");
        assertThat(started.statusCode()).as(started.body()).isIn(200, 202);
        String export = "/v1/datasets/" + id + "/exports/" + json(started).path("id").asString();
        for (int i = 0; i < 300 && !"done".equals(json(get(export, key)).path("state").asString()); i++) {
            Thread.sleep(50);
        }
        assertThat(json(get(export, key)).path("state").asString()).isEqualTo("done");

        Path root = Path.of(dataDir);
        assertThat(root.resolve("cairn.db-wal")).exists();
        assertThat(root.resolve("datasets").resolve("exports")).isNotEmptyDirectory();
        OwnerOnlyDataDirTest.assertOwnerOnly(root);

        JsonNode keysSealed = json(get("/v1/compliance/status", auditor)).path("checks").valueStream()
                .filter(check -> check.path("id").asString().equals("keys_sealed")).findFirst().orElseThrow();
        assertThat(keysSealed.path("status").asString()).as(keysSealed.toString()).isEqualTo("pass");
        JsonNode observed = keysSealed.path("observed");
        assertThat(observed.path("data_dir_mode").asString()).isEqualTo("0700");
        assertThat(observed.path("database_mode").asString()).isEqualTo("0600");
        assertThat(observed.path("data_dir_open_to_others").asLong()).isZero();
        assertThat(observed.path("keys_wrapped").asBoolean()).isFalse();
    }
}
