package dev.cairn.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.audit.AuditEvent;
import dev.cairn.audit.AuditLog;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobQueue;
import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A dataset version is built by a background job: accepted at once, building with its progress, then
 * built; not exportable before; and after a restart either resumed to the very same version or, when
 * its job can no longer run, failed with a reason rather than left looking built or on its way.
 */
class DatasetBuildJobTest extends CairnServerTest {

    @Autowired
    DatasetRepository repository;
    @Autowired
    DatasetBuildJob buildJob;
    @Autowired
    JobQueue queue;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    AuditLog auditLog;

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.helpful.type", () -> "boolean");
    }

    private String chat(String key, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","user":"erin","messages":[{"role":"user","content":"%s"}]}""".formatted(prompt));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    private void helpful(String key, String requestId) {
        HttpResponse<String> response = post("/v1/feedback", key, """
                {"feedback":[{"request_id":"%s","metric":"helpful","value":true}]}""".formatted(requestId));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private JsonNode awaitEnd(String key, String id) throws InterruptedException {
        JsonNode dataset = null;
        for (int i = 0; i < 1500; i++) {
            dataset = json(get("/v1/datasets/" + id, key));
            if (!"building".equals(dataset.path("state").asString())) {
                return dataset;
            }
            Thread.sleep(20);
        }
        return dataset;
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response).path("error");
        assertThat(error.path("code").asString()).as(response.body()).isEqualTo(code);
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asString()).isNotBlank();
    }

    /** A version stored as building, cut where {@code like} was, with its job and its first {@code rows} rows. */
    private Dataset building(Dataset like, String jobKind, List<DatasetRepository.Row> rows, long feedback) {
        String id = Ids.newId("ds");
        return transactions.execute(status -> {
            String job = jobKind == null ? "job_gone" : queue.enqueue(jobKind, like.workspace(), DatasetBuildJob.payload(id));
            Dataset dataset = new Dataset(id, like.workspace(), like.keyId(), like.filter(), Dataset.BUILDING, 0, 0, 0,
                    like.checkpointSize(), like.checkpointNote(), null, null, Instant.now(), new Dataset.Progress(0, -1, job), null);
            repository.create(dataset);
            if (!rows.isEmpty()) {
                long through = rows.getLast().interactionIndex();
                repository.addRows(id, -1, rows, rows.size(), 0, feedback, rows.size(), through);
            }
            return repository.find(id).orElseThrow();
        });
    }

    @Test
    void aBuildIsAcceptedAtOnceAndReportsItsProgressUntilBuilt() throws Exception {
        String key = createKey("ws-dsjob-progress");
        chat(key, "one");
        chat(key, "two");
        String last = chat(key, "three");

        HttpResponse<String> started = post("/v1/datasets", key, "{\"filter\":{\"model\":\"cairn/echo\"}}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode accepted = json(started);
        String id = accepted.path("id").asString();
        assertThat(started.headers().firstValue("Location")).contains("/v1/datasets/" + id);
        assertThat(accepted.path("state").asString()).isEqualTo("building");
        assertThat(accepted.path("progress").path("interactions_scanned").asLong()).isZero();
        assertThat(accepted.path("progress").path("rows_written").asLong()).isZero();
        long cut = accepted.path("progress").path("checkpoint_size").asLong();
        assertThat(cut).isPositive().isEqualTo(accepted.path("manifest").path("checkpoint_size").asLong());
        assertThat(accepted.path("manifest").path("log_index").isNull()).isTrue();

        JsonNode built = awaitEnd(key, id);
        assertThat(built.path("state").asString()).as(built.toString()).isEqualTo("built");
        assertThat(built.has("error")).isFalse();
        assertThat(built.path("rows").asLong()).isEqualTo(3);
        assertThat(built.path("progress").path("interactions_scanned").asLong()).isEqualTo(3);
        assertThat(built.path("progress").path("rows_written").asLong()).isEqualTo(3);
        long lastIndex = json(get("/v1/audit/requests/" + last, key)).path("index").asLong();
        assertThat(built.path("progress").path("scanned_through").asLong()).isEqualTo(lastIndex).isLessThan(cut);
        assertThat(built.path("manifest").path("log_index").asLong()).isGreaterThanOrEqualTo(cut);
        assertThat(get("/v1/datasets/" + id + "/export", key).statusCode()).isEqualTo(200);
    }

    @Test
    void aVersionNotYetBuiltIsRefusedWith409UntilItIs() {
        String key = createKey("ws-dsjob-early");
        chat(key, "one");
        Dataset reference = repository.find(buildDataset(key, "{}").path("id").asString()).orElseThrow();
        // A job of a kind no handler runs stays queued: the version stays building for as long as the test looks.
        Dataset waiting = building(reference, "test.dataset-build-held", List.of(), 0);

        JsonNode described = json(get("/v1/datasets/" + waiting.id(), key));
        assertThat(described.path("state").asString()).isEqualTo("building");
        assertThat(described.path("manifest").path("rows_root").isNull()).isTrue();
        assertError(get("/v1/datasets/" + waiting.id() + "/export?format=jsonl", key), 409, "dataset_not_ready");
        assertError(post("/v1/datasets/" + waiting.id() + "/exports", key, "{\"format\":\"openai-sft\"}"), 409, "dataset_not_ready");
        assertError(get("/v1/datasets/" + waiting.id() + "/export?format=jsonl", createKey("ws-dsjob-early-other")), 404,
                "dataset_not_found");
    }

    @Test
    void aBuildInterruptedMidwayResumesToTheSameVersion() throws Exception {
        String key = createKey("ws-dsjob-resume");
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            requests.add(chat(key, "prompt " + i));
        }
        helpful(key, requests.get(0));
        helpful(key, requests.get(3));
        JsonNode whole = buildDataset(key, "{}");
        assertThat(whole.path("state").asString()).isEqualTo("built");
        Dataset reference = repository.find(whole.path("id").asString()).orElseThrow();
        List<DatasetRepository.Row> firstTwo = repository.rows(reference.id(), -1).subList(0, 2);

        // What a process that died after committing two rows leaves: the job, queued again, resumes it.
        Dataset resumed = building(reference, DatasetBuildJob.KIND, firstTwo, 1);
        JsonNode built = awaitEnd(key, resumed.id());

        assertThat(built.path("state").asString()).as(built.toString()).isEqualTo("built");
        assertThat(built.path("rows").asLong()).isEqualTo(5);
        assertThat(built.path("feedback").asLong()).isEqualTo(2);
        assertThat(built.path("manifest").path("rows_root").asString())
                .isEqualTo(whole.path("manifest").path("rows_root").asString());
        assertThat(get("/v1/datasets/" + resumed.id() + "/export", key).body())
                .isEqualTo(get("/v1/datasets/" + reference.id() + "/export", key).body());
        JsonNode manifest = json(get("/v1/audit/entries/" + built.path("manifest").path("log_index").asLong(), key))
                .path("entry").path("data");
        assertThat(manifest.path("dataset_id").asString()).isEqualTo(resumed.id());
        assertThat(manifest.path("sources")).isEqualTo(json(get("/v1/audit/entries/"
                + whole.path("manifest").path("log_index").asLong(), key)).path("entry").path("data").path("sources"));
    }

    @Test
    void aManifestLoggedByARunThatDiedBeforeSayingSoIsTakenAsItIs() throws Exception {
        String key = createKey("ws-dsjob-logged");
        chat(key, "one");
        JsonNode whole = buildDataset(key, "{}");
        Dataset reference = repository.find(whole.path("id").asString()).orElseThrow();
        Dataset pending = building(reference, "test.dataset-build-held", repository.rows(reference.id(), -1), 0);
        ObjectNode data = (ObjectNode) json(get("/v1/audit/entries/" + whole.path("manifest").path("log_index").asLong(), key))
                .path("entry").path("data").deepCopy();
        data.put("dataset_id", pending.id());
        long logged = auditLog.append(new AuditEvent("dataset.built", pending.id(), Instant.now(), pending.workspace(),
                pending.keyId(), null, null, data, null)).join();

        buildJob.run(new Job("job_test", DatasetBuildJob.KIND, pending.workspace(), DatasetBuildJob.payload(pending.id()), 1));

        JsonNode built = json(get("/v1/datasets/" + pending.id(), key));
        assertThat(built.path("state").asString()).isEqualTo("built");
        assertThat(built.path("manifest").path("log_index").asLong()).as("no second manifest").isEqualTo(logged);
        assertThat(built.path("manifest").path("rows_root").asString()).isEqualTo(whole.path("manifest").path("rows_root").asString());
    }

    @Test
    void aBuildWhoseJobCanNoLongerRunIsFailedWithAReason() {
        String key = createKey("ws-dsjob-abandoned");
        chat(key, "one");
        chat(key, "two");
        Dataset reference = repository.find(buildDataset(key, "{}").path("id").asString()).orElseThrow();
        Dataset orphan = building(reference, null, repository.rows(reference.id(), -1).subList(0, 1), 0);

        JsonNode failed = json(get("/v1/datasets/" + orphan.id(), key));
        assertThat(failed.path("state").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asString()).isEqualTo("build_abandoned");
        assertThat(failed.path("error").path("message").asString()).contains("build a new version");
        assertThat(repository.rows(orphan.id(), -1)).as("a failed version keeps no rows").isEmpty();
        assertError(get("/v1/datasets/" + orphan.id() + "/export", key), 409, "dataset_build_failed");
    }

    @Test
    void onlyTheLastAttemptOfAFailingBuildFailsTheVersion() {
        String key = createKey("ws-dsjob-last");
        chat(key, "one");
        Dataset reference = repository.find(buildDataset(key, "{}").path("id").asString()).orElseThrow();
        Dataset broken = building(new Dataset(reference.id(), reference.workspace(), reference.keyId(), reference.filter(),
                reference.state(), 0, 0, 0, reference.checkpointSize(), "not a signed note", null, null, Instant.now(),
                Dataset.Progress.NONE, null), "test.dataset-build-held", List.of(), 0);
        String payload = DatasetBuildJob.payload(broken.id());

        assertThatThrownBy(() ->
                buildJob.run(new Job("job_test", DatasetBuildJob.KIND, broken.workspace(), payload, 1)));
        assertThat(json(get("/v1/datasets/" + broken.id(), key)).path("state").asString()).isEqualTo("building");

        assertThatThrownBy(() ->
                buildJob.run(new Job("job_test", DatasetBuildJob.KIND, broken.workspace(), payload, 8)));
        JsonNode failed = json(get("/v1/datasets/" + broken.id(), key));
        assertThat(failed.path("state").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asString()).isEqualTo("build_failed");
        assertThat(failed.path("error").path("message").asString()).contains("cut checkpoint");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsQueued() {
        String key = createKey("ws-dsjob-bad");
        assertThat(post("/v1/datasets", key, "{\"filter\":").statusCode()).isEqualTo(400);
        HttpResponse<String> wrongType = post("/v1/datasets", key, "{\"filter\":[]}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).path("error").path("code").asString()).isEqualTo("invalid_type");
        assertError(get("/v1/datasets/ds_nope/export", key), 404, "dataset_not_found");
        assertThat(JsonBodies.JSON.readTree(post("/v1/datasets", key, "{\"filter\":{\"until\":\"x\"}}").body())
                .path("error").path("param").asString()).isEqualTo("filter.until");
    }
}
