package dev.cairn.datasets;

import static dev.cairn.support.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.cairn.ledger.CompactRange;
import dev.cairn.ledger.Hashes;
import dev.cairn.support.CairnServerTest;
import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Erasing a data subject reaches dataset versions: the erasure lists the versions that held the
 * subject, their exports omit its rows and say so, the root still checks with the kept leaf hashes,
 * the offline bundle still verifies, and a later build leaves the subject out.
 */
class DatasetErasureTest extends CairnServerTest {

    @TempDir
    Path dir;

    @Value("${cairn.data-dir}")
    String dataDir;

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.helpful.type", () -> "boolean");
    }

    private String chat(String key, String user, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","user":"%s","messages":[{"role":"user","content":"%s"}]}""".formatted(user, prompt));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String id = response.headers().firstValue("Cairn-Request-Id").orElseThrow();
        HttpResponse<String> feedback = post("/v1/feedback", key, """
                {"feedback":[{"request_id":"%1$s","metric":"helpful","value":true},{"request_id":"%1$s","comment":"fine"}]}""".formatted(id));
        assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
        return id;
    }

    private JsonNode build(String key) {
        JsonNode built = buildDataset(key, "{}");
        assertThat(built.path("state").asString()).as(built.toString()).isEqualTo("built");
        return built;
    }

    private List<byte[]> exported(String key, String id) {
        HttpResponse<String> response = get("/v1/datasets/" + id + "/export?format=jsonl", key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<byte[]> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isEmpty()) {
                lines.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    @Test
    void anErasedSubjectsRowsLeaveEveryVersionWhileItsProofsStayValid() throws Exception {
        String key = createKey("ws-ds-erase");
        String kept1 = chat(key, "alice", "alice asks one");
        String gone1 = chat(key, "bob", "bob asks one");
        String kept2 = chat(key, "alice", "alice asks two");
        String gone2 = chat(key, "bob", "bob asks two");
        JsonNode dataset = build(key);
        String id = dataset.path("id").asString();
        assertThat(dataset.path("rows").asLong()).isEqualTo(4);
        assertThat(dataset.path("manifest").path("erasure").path("rows_omitted").asLong()).isZero();
        String root = dataset.path("manifest").path("rows_root").asString();
        List<byte[]> before = exported(key, id);

        HttpResponse<String> erased = post("/v1/audit/subjects/bob/erase?workspace=ws-ds-erase", ADMIN_KEY, "");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        JsonNode result = json(erased);
        assertThat(result.path("keys_destroyed").asInt()).isEqualTo(1);
        assertThat(result.path("object").asString()).isEqualTo("audit.erasure");
        assertThat(result.path("datasets").size()).as(result.toString()).isEqualTo(1);
        assertThat(result.path("datasets").get(0).path("id").asString()).isEqualTo(id);
        assertThat(result.path("datasets").get(0).path("rows").asLong()).isEqualTo(2);

        // The export omits bob's rows, and the manifest says which.
        List<byte[]> after = exported(key, id);
        assertThat(after).extracting(row -> json(new String(row, StandardCharsets.UTF_8)).path("request_id").asString())
                .containsExactly(kept1, kept2);
        String text = String.join("\n", after.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        assertThat(text).doesNotContain("bob asks", gone1, gone2);
        JsonNode described = json(get("/v1/datasets/" + id, key));
        JsonNode erasure = described.path("manifest").path("erasure");
        assertThat(erasure.path("rows_omitted").asLong()).isEqualTo(2);
        assertThat(erasure.path("rows").toString()).isEqualTo("[1,3]");
        assertThat(erasure.path("log_indexes").size()).isEqualTo(1);
        assertThat(described.path("manifest").path("rows_root").asString()).isEqualTo(root);
        assertThat(described.path("rows").asLong()).isEqualTo(4);

        // The logged dataset.rows_erased entry holds the kept leaf hashes; with the remaining rows they give the root.
        JsonNode entry = json(get("/v1/audit/entries/" + erasure.path("log_indexes").get(0).asLong(), ADMIN_KEY)).path("entry");
        assertThat(entry.path("type").asString()).isEqualTo("dataset.rows_erased");
        assertThat(entry.path("data").path("dataset_id").asString()).isEqualTo(id);
        assertThat(entry.path("data").path("erasure_index").asLong()).isEqualTo(result.path("index").asLong());
        List<String> leaves = new ArrayList<>();
        entry.path("data").path("leaf_hashes").forEach(h -> leaves.add(h.asString()));
        assertThat(leaves).containsExactly(leaf(before.get(1)), leaf(before.get(3)));
        CompactRange tree = CompactRange.empty();
        tree.append(Hashes.leafHash(after.get(0)));
        tree.append(Base64.getDecoder().decode(leaves.get(0)));
        tree.append(Hashes.leafHash(after.get(1)));
        tree.append(Base64.getDecoder().decode(leaves.get(1)));
        assertThat(Base64.getEncoder().encodeToString(tree.rootHash())).isEqualTo(root);

        // A second erasure finds nothing left to take.
        JsonNode again = json(post("/v1/audit/subjects/bob/erase?workspace=ws-ds-erase", ADMIN_KEY, ""));
        assertThat(again.path("datasets").isEmpty()).as(again.toString()).isTrue();

        // A later build leaves bob out: his content cannot be opened any more.
        JsonNode later = build(key);
        assertThat(later.path("rows").asLong()).isEqualTo(2);
        assertThat(later.path("skipped").asLong()).isEqualTo(2);
        assertThat(exported(key, later.path("id").asString()))
                .extracting(row -> json(new String(row, StandardCharsets.UTF_8)).path("request_id").asString())
                .containsExactly(kept1, kept2);

        // The offline bundle still verifies, naming the erased rows; dropping a kept row still fails it.
        Path bundle = dir.resolve("bundle");
        CliRun export = run("export", "dataset", id, "--data-dir", dataDir, "--out", bundle.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(Files.readAllLines(bundle.resolve("rows.jsonl"))).hasSize(2);
        String vkey = run("log", "vkey", "--data-dir", dataDir).stdout().strip();
        CliRun verified = run("verify", "--dataset", bundle.toString(), "--vkey", vkey);
        assertThat(verified.exit()).as(verified.stderr()).isZero();
        assertThat(verified.stdout()).contains("2 rows from", "2 rows omitted, erased", "OK");

        List<String> rows = Files.readAllLines(bundle.resolve("rows.jsonl"));
        List<String> sources = Files.readAllLines(bundle.resolve("sources.jsonl"));
        Files.writeString(bundle.resolve("rows.jsonl"), rows.get(0) + "\n");
        Files.writeString(bundle.resolve("sources.jsonl"), sources.get(0) + "\n");
        CliRun dropped = run("verify", "--dataset", bundle.toString(), "--vkey", vkey);
        assertThat(dropped.exit()).isEqualTo(1);
        assertThat(dropped.stderr()).contains("FAILED");
    }

    @Test
    void aRowCarryingAnotherSubjectsRejectedAnswerLeavesWithThatSubject() {
        String key = createKey("ws-ds-erase-pref");
        String chosen = chat(key, "carol", "which colour is the sky");
        String rejected = chat(key, "dave", "which colour is the sky");
        String other = chat(key, "carol", "carol asks alone");
        HttpResponse<String> preference = post("/v1/feedback", key, """
                {"chosen_request_id":"%s","rejected_request_id":"%s","rationale":"clearer"}""".formatted(chosen, rejected));
        assertThat(preference.statusCode()).as(preference.body()).isEqualTo(200);
        JsonNode dataset = build(key);
        String id = dataset.path("id").asString();
        String before = String.join("\n", exported(key, id).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        assertThat(before).as("carol's row carries dave's answer as the rejected output").contains("rejected_output");

        JsonNode result = json(post("/v1/audit/subjects/dave/erase?workspace=ws-ds-erase-pref", ADMIN_KEY, ""));
        // dave's own row and carol's preference row that copied his answer, not carol's other row.
        assertThat(result.path("datasets").get(0).path("rows").asLong()).as(result.toString()).isEqualTo(2);
        assertThat(exported(key, id)).extracting(row -> json(new String(row, StandardCharsets.UTF_8)).path("request_id").asString())
                .containsExactly(other);
        JsonNode erasure = json(get("/v1/datasets/" + id, key)).path("manifest").path("erasure");
        assertThat(erasure.path("rows").toString()).isEqualTo("[0,1]");
        assertThat(erasure.path("log_indexes").size()).isEqualTo(1);
    }

    @Test
    void anErasureDeletesTheBackgroundExportsOfTheVersionsItTouched() throws Exception {
        String key = createKey("ws-ds-erase-exports");
        chat(key, "gina", "gina asks");
        chat(key, "hank", "hank asks");
        String id = build(key).path("id").asString();
        HttpResponse<String> started = post("/v1/datasets/" + id + "/exports", key, "{\"format\":\"jsonl\"}");
        assertThat(started.statusCode()).as(started.body()).isIn(200, 202);
        String export = json(started.body()).path("id").asString();
        String path = "/v1/datasets/" + id + "/exports/" + export;
        for (int i = 0; i < 300 && !"done".equals(json(get(path, key).body()).path("state").asString()); i++) {
            Thread.sleep(50);
        }
        assertThat(get(path + "/content", key).body()).contains("hank asks");

        assertThat(post("/v1/audit/subjects/hank/erase?workspace=ws-ds-erase-exports", ADMIN_KEY, "").statusCode()).isEqualTo(200);
        JsonNode expired = json(get(path, key).body());
        assertThat(expired.path("state").asString()).isEqualTo("expired");
        HttpResponse<String> content = get(path + "/content", key);
        assertThat(content.statusCode()).isEqualTo(410);
        assertThat(content.body()).contains("export_expired").doesNotContain("hank asks");
        try (var files = Files.list(Path.of(dataDir, "datasets", "exports"))) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.contains(export));
        }
    }

    private static JsonNode json(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(text);
    }

    private static String leaf(byte[] row) {
        return Base64.getEncoder().encodeToString(Hashes.leafHash(row));
    }
}
