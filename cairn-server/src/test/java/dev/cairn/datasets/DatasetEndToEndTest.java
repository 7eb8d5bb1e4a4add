package dev.cairn.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import dev.cairn.ledger.CompactRange;
import dev.cairn.ledger.Hashes;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Dataset versions built from cairn/echo interactions and their feedback, exported in every format. */
class DatasetEndToEndTest extends CairnServerTest {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final String TOOLS = """
            [{"type":"function","function":{"name":"add","description":"Adds","parameters":{"type":"object","properties":{"a":{"type":"number"}}}}}]""";

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.helpful.type", () -> "boolean");
        registry.add("cairn.feedback.metrics.score.type", () -> "float");
    }

    private String chat(String key, String prompt, String extra) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","n":2,"user":"erin","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"%s"}]%s}"""
                .formatted(prompt, extra));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    private void feedback(String key, String items) {
        HttpResponse<String> response = post("/v1/feedback", key, "{\"feedback\":[" + items + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private JsonNode build(String key, String filter) {
        JsonNode built = buildDataset(key, filter);
        assertThat(built.path("state").asString()).as(built.toString()).isEqualTo("built");
        return built;
    }

    private HttpResponse<byte[]> export(String key, String id, String format) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/datasets/" + id + "/export?format=" + format)))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<JsonNode> lines(String key, String id, String format) {
        HttpResponse<byte[]> response = export(key, id, format);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(response.body(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                out.add(json(line));
            }
        }
        return out;
    }

    private static JsonNode json(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(text);
    }

    private static void assertMessages(JsonNode messages) {
        assertThat(messages.isArray()).isTrue();
        assertThat(messages.size()).isPositive();
        for (JsonNode message : messages) {
            assertThat(ROLES).contains(message.path("role").asString());
            assertThat(message.has("content") || message.has("tool_calls")).as(message.toString()).isTrue();
        }
    }

    private static void assertAssistantOutput(JsonNode output) {
        assertThat(output.isArray()).isTrue();
        assertThat(output.size()).isEqualTo(1);
        assertThat(output.get(0).path("role").asString()).isEqualTo("assistant");
        assertThat(output.get(0).path("content").isString()).isTrue();
    }

    @Test
    void aBuiltVersionExportsEveryFormatAndItsRootIsOverTheExportedRows() {
        String key = createKey("ws-ds-formats");
        String rated = chat(key, "what is 2+2?", "");
        String demonstrated = chat(key, "what is 2+2?", "");
        String withTools = chat(key, "add 2 and 2", ",\"tools\":" + TOOLS + ",\"parallel_tool_calls\":false");
        feedback(key, """
                {"request_id":"%1$s","metric":"helpful","value":false},
                {"request_id":"%1$s","chosen_choice":1,"rejected_choice":0,"rationale":"kinder"},
                {"request_id":"%2$s","demonstration":{"role":"assistant","content":"2 + 2 = 4."}},
                {"chosen_request_id":"%2$s","rejected_request_id":"%1$s"}""".formatted(rated, demonstrated));

        JsonNode dataset = build(key, "{}");
        String id = dataset.path("id").asString();
        assertThat(id).startsWith("ds_");
        assertThat(dataset.path("rows").asLong()).isEqualTo(3);
        assertThat(dataset.path("feedback").asLong()).as("the between-requests preference is in both rows").isEqualTo(5);
        assertThat(json(get("/v1/datasets/" + id, key))).isEqualTo(dataset);

        // jsonl: the frozen rows, whose RFC 9162 root is the manifest's.
        HttpResponse<byte[]> raw = export(key, id, "jsonl");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type").orElse("")).startsWith("application/jsonl");
        CompactRange tree = CompactRange.empty();
        List<JsonNode> rows = new ArrayList<>();
        String body = new String(raw.body(), StandardCharsets.UTF_8);
        assertThat(body).endsWith("\n");
        for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
            tree.append(Hashes.leafHash(line.getBytes(StandardCharsets.UTF_8)));
            rows.add(json(line));
        }
        String root = Base64.getEncoder().encodeToString(tree.rootHash());
        assertThat(root).isEqualTo(dataset.path("manifest").path("rows_root").asString());
        assertThat(rows).extracting(r -> r.path("request_id").asString()).containsExactly(rated, demonstrated, withTools);
        assertThat(rows.get(0).path("feedback").size()).isEqualTo(3);
        assertThat(rows.get(0).path("feedback").get(1).path("rationale").asString()).isEqualTo("kinder");
        assertThat(rows.get(0).path("messages").get(1).path("content").asString()).isEqualTo("what is 2+2?");
        assertThat(rows.get(1).path("feedback").get(1).path("rejected_output").path("role").asString()).isEqualTo("assistant");
        long ratedIndex = json(get("/v1/audit/requests/" + rated, key)).path("index").asLong();
        assertThat(rows.get(0).path("interaction_index").asLong()).isEqualTo(ratedIndex);
        for (JsonNode row : rows) {
            for (JsonNode item : row.path("feedback")) {
                JsonNode entry = json(get("/v1/audit/entries/" + item.path("log_index").asLong(), key)).path("entry");
                assertThat(entry.path("id").asString()).isEqualTo(item.path("id").asString());
                assertThat(entry.path("type").asString()).startsWith("feedback.");
            }
        }

        // The manifest is an audit entry, cut at a checkpoint that covers every source.
        JsonNode manifest = json(get("/v1/audit/entries/" + dataset.path("manifest").path("log_index").asLong(), key)).path("entry");
        assertThat(manifest.path("type").asString()).isEqualTo("dataset.built");
        assertThat(manifest.path("id").asString()).isEqualTo(id);
        assertThat(manifest.path("data").path("rows_root").asString()).isEqualTo(root);
        assertThat(manifest.path("data").path("rows").asLong()).isEqualTo(3);
        long cut = manifest.path("data").path("checkpoint").path("size").asLong();
        assertThat(cut).isGreaterThan(rows.get(2).path("interaction_index").asLong());
        assertThat(dataset.path("manifest").path("checkpoint").asString()).contains("\n" + cut + "\n");

        // openai-sft: {"messages":[…]} ending with the answer, its weight from feedback, tools kept.
        List<JsonNode> sft = lines(key, id, "openai-sft");
        assertThat(sft).hasSize(3);
        for (JsonNode line : sft) {
            assertThat(Set.of("messages", "tools", "parallel_tool_calls")).containsAll(line.propertyNames());
            assertMessages(line.path("messages"));
            JsonNode last = line.path("messages").get(line.path("messages").size() - 1);
            assertThat(last.path("role").asString()).isEqualTo("assistant");
            if (last.has("weight")) {
                assertThat(last.path("weight").asInt()).isIn(0, 1);
            }
        }
        JsonNode lastOfFirst = sft.get(0).path("messages").get(2);
        assertThat(lastOfFirst.path("weight").asInt()).as("helpful: false").isEqualTo(0);
        assertThat(sft.get(1).path("messages").get(2).path("content").asString()).isEqualTo("2 + 2 = 4.");
        assertThat(sft.get(1).path("messages").get(2).path("weight").asInt()).isEqualTo(1);
        assertThat(sft.get(2).path("tools").get(0).path("function").path("name").asString()).isEqualTo("add");
        assertThat(sft.get(2).path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(sft.get(2).path("messages").get(2).has("weight")).as("no feedback, no weight").isFalse();

        // openai-dpo: input / preferred_output / non_preferred_output, one per preference.
        List<JsonNode> dpo = lines(key, id, "openai-dpo");
        assertThat(dpo).hasSize(2);
        for (JsonNode line : dpo) {
            assertThat(line.propertyNames()).containsExactlyInAnyOrder("input", "preferred_output", "non_preferred_output");
            assertMessages(line.path("input").path("messages"));
            assertAssistantOutput(line.path("preferred_output"));
            assertAssistantOutput(line.path("non_preferred_output"));
        }

        // trl-preference: conversational prompt / chosen / rejected.
        List<JsonNode> trl = lines(key, id, "trl-preference");
        assertThat(trl).hasSize(2);
        for (JsonNode line : trl) {
            assertThat(line.propertyNames()).containsExactlyInAnyOrder("prompt", "chosen", "rejected");
            assertMessages(line.path("prompt"));
            assertThat(line.path("prompt").get(1).path("content").asString()).isEqualTo("what is 2+2?");
            assertAssistantOutput(line.path("chosen"));
            assertAssistantOutput(line.path("rejected"));
        }
    }

    @Test
    void aBuiltVersionDoesNotChangeWhenFeedbackArrivesLater() {
        String key = createKey("ws-ds-frozen");
        String request = chat(key, "hello", "");
        JsonNode dataset = build(key, "{}");
        byte[] before = export(key, dataset.path("id").asString(), "jsonl").body();

        feedback(key, "{\"request_id\":\"" + request + "\",\"metric\":\"helpful\",\"value\":true}");

        assertThat(export(key, dataset.path("id").asString(), "jsonl").body()).isEqualTo(before);
        assertThat(json(get("/v1/datasets/" + dataset.path("id").asString(), key))).isEqualTo(dataset);
        JsonNode next = build(key, "{}");
        assertThat(next.path("feedback").asLong()).isEqualTo(1);
        assertThat(next.path("manifest").path("rows_root").asString())
                .isNotEqualTo(dataset.path("manifest").path("rows_root").asString());
    }

    @Test
    void theFilterSelectsInteractions() {
        String key = createKey("ws-ds-filter");
        String good = chat(key, "one", "");
        String bad = chat(key, "two", "");
        chat(key, "three", "");
        feedback(key, """
                {"request_id":"%s","metric":"score","value":0.9},
                {"request_id":"%s","metric":"score","value":0.2}""".formatted(good, bad));

        assertThat(build(key, "{}").path("rows").asLong()).isEqualTo(3);
        assertThat(build(key, "{\"has_feedback\":true}").path("rows").asLong()).isEqualTo(2);
        assertThat(build(key, "{\"has_feedback\":false}").path("rows").asLong()).isEqualTo(1);
        assertThat(build(key, "{\"metric\":\"score\",\"min\":0.5}").path("rows").asLong()).isEqualTo(1);
        assertThat(build(key, "{\"model\":\"cairn/other\"}").path("rows").asLong()).isZero();
        assertThat(build(key, "{\"model\":\"cairn/echo\",\"since\":\"2000-01-01T00:00:00Z\"}").path("rows").asLong()).isEqualTo(3);
        assertThat(build(key, "{\"until\":\"2000-01-01T00:00:00Z\"}").path("rows").asLong()).isZero();
        JsonNode empty = build(key, "{\"until\":\"2000-01-01T00:00:00Z\"}");
        assertThat(empty.path("manifest").path("rows_root").asString())
                .isEqualTo(Base64.getEncoder().encodeToString(Hashes.emptyRoot()));
    }

    @Test
    void badInputGetsTheOpenAiErrorShape() {
        String key = createKey("ws-ds-errors");
        String other = createKey("ws-ds-errors-other");
        chat(key, "hi", "");
        String id = build(key, "{}").path("id").asString();

        assertRefused(post("/v1/datasets", key, "{\"filter\":{\"since\":\"yesterday\"}}"), 400, "invalid_value", "filter.since");
        assertRefused(post("/v1/datasets", key, "{\"filter\":{\"colour\":\"red\"}}"), 400, "unknown_parameter", "filter.colour");
        assertRefused(post("/v1/datasets", key, "{\"filter\":{\"min\":1}}"), 400, "missing_required_parameter", "filter.metric");
        assertRefused(post("/v1/datasets", key, "{\"filter\":{\"has_feedback\":\"yes\"}}"), 400, "invalid_type", "filter.has_feedback");
        assertRefused(post("/v1/datasets", key, "{\"name\":\"x\"}"), 400, "unknown_parameter", "name");
        assertRefused(get("/v1/datasets/" + id + "/export?format=csv", key), 400, "invalid_value", "format");
        assertRefused(get("/v1/datasets/" + id, other), 404, "dataset_not_found", null);
        assertRefused(get("/v1/datasets/" + id + "/export?format=jsonl", other), 404, "dataset_not_found", null);
        assertRefused(get("/v1/datasets/ds_nope", key), 404, "dataset_not_found", null);
    }

    @Test
    void aBackgroundExportReportsProgressAndWritesWhatTheStreamGives() throws Exception {
        String key = createKey("ws-ds-job");
        String request = chat(key, "one", "");
        chat(key, "two", "");
        feedback(key, "{\"request_id\":\"" + request + "\",\"chosen_choice\":1,\"rejected_choice\":0}");
        String id = build(key, "{}").path("id").asString();

        HttpResponse<String> started = post("/v1/datasets/" + id + "/exports", key, "{\"format\":\"openai-dpo\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String exportId = json(started).path("id").asString();
        assertThat(exportId).startsWith("dx_");
        assertThat(json(started).path("progress").path("rows_total").asLong()).isEqualTo(2);

        JsonNode status = null;
        for (int i = 0; i < 200; i++) {
            status = json(get("/v1/datasets/" + id + "/exports/" + exportId, key));
            if (Set.of("done", "failed").contains(status.path("state").asString())) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(status.path("state").asString()).as(status.toString()).isEqualTo("done");
        assertThat(status.path("progress").path("rows_done").asLong()).isEqualTo(2);
        assertThat(status.path("progress").path("lines").asLong()).isEqualTo(1);

        HttpResponse<String> content = get("/v1/datasets/" + id + "/exports/" + exportId + "/content", key);
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(export(key, id, "openai-dpo").body());

        assertRefused(post("/v1/datasets/" + id + "/exports", key, "{\"format\":\"xml\"}"), 400, "invalid_value", "format");
        assertRefused(get("/v1/datasets/" + id + "/exports/dx_nope", key), 404, "export_not_found", null);
        assertRefused(get("/v1/datasets/" + id + "/exports/" + exportId, createKey("ws-ds-job-other")), 404, "dataset_not_found", null);
    }
}
