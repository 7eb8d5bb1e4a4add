package dev.cairn.datasets;

import static dev.cairn.support.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doReturn;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import dev.cairn.audit.AuditLog;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import tools.jackson.databind.JsonNode;

/**
 * An erasure whose {@code dataset.rows_erased} entry the log refuses still takes the rows out; the
 * entry is owed in the database, the bundle refuses to export unprovable rows meanwhile, and paying
 * the debt later logs exactly one entry, after which the bundle verifies.
 */
class DatasetErasureRecordsTest extends CairnServerTest {

    @TempDir
    Path dir;

    @Value("${cairn.data-dir}")
    String dataDir;

    @MockitoSpyBean
    AuditLog auditLog;

    @Autowired
    ErasureRecords records;

    @Test
    void aRefusedErasureEntryIsOwedAndWrittenOnceWhenTheLogTakesItAgain() {
        String key = createKey("ws-ds-owed");
        for (String user : new String[] {"erin", "frank"}) {
            HttpResponse<String> chat = post("/v1/chat/completions", key, """
                    {"model":"cairn/echo","user":"%s","messages":[{"role":"user","content":"%s speaks"}]}""".formatted(user, user));
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        }
        JsonNode built = buildDataset(key, "{}");
        assertThat(built.path("state").asString()).as(built.toString()).isEqualTo("built");
        String id = built.path("id").asString();

        doReturn(CompletableFuture.failedFuture(new IllegalStateException("disk full")))
                .when(auditLog).append(argThat(event -> event != null && "dataset.rows_erased".equals(event.type())));
        HttpResponse<String> erased = post("/v1/audit/subjects/frank/erase?workspace=ws-ds-owed", ADMIN_KEY, "");
        assertThat(erased.statusCode()).as("the erasure happened; only its record is late").isEqualTo(200);
        assertThat(json(erased).path("datasets").get(0).path("rows").asLong()).isEqualTo(1);
        JsonNode owed = json(get("/v1/datasets/" + id, key)).path("manifest").path("erasure");
        assertThat(owed.path("rows").toString()).isEqualTo("[1]");
        assertThat(owed.path("log_indexes").isEmpty()).isTrue();
        assertThat(get("/v1/datasets/" + id + "/export?format=jsonl", key).body()).doesNotContain("frank speaks");
        CliRun refused = run("export", "dataset", id, "--data-dir", dataDir, "--out", dir.resolve("early").toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("not in the log yet");

        Mockito.reset(auditLog);
        assertThat(records.payOwed()).isZero();
        assertThat(records.payOwed()).as("nothing owed twice").isZero();
        JsonNode paid = json(get("/v1/datasets/" + id, key)).path("manifest").path("erasure");
        assertThat(paid.path("log_indexes").size()).isEqualTo(1);
        JsonNode entry = json(get("/v1/audit/entries/" + paid.path("log_indexes").get(0).asLong(), ADMIN_KEY)).path("entry");
        assertThat(entry.path("type").asString()).isEqualTo("dataset.rows_erased");
        assertThat(entry.path("data").path("rows").toString()).isEqualTo("[1]");
        assertThat(entry.path("data").path("erasure_index").asLong()).isEqualTo(json(erased).path("index").asLong());

        Path bundle = dir.resolve("bundle");
        CliRun export = run("export", "dataset", id, "--data-dir", dataDir, "--out", bundle.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        String vkey = run("log", "vkey", "--data-dir", dataDir).stdout().strip();
        CliRun verified = run("verify", "--dataset", bundle.toString(), "--vkey", vkey);
        assertThat(verified.exit()).as(verified.stderr()).isZero();
        assertThat(verified.stdout()).contains("1 rows omitted, erased", "OK");
    }

}
