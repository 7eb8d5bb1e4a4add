package dev.cairn.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import dev.cairn.platform.jobs.JobQueue;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Reward models trained through the API on a dataset version of real logged interactions and
 * preferences: the run goes through its states in the background, learns the preference, is
 * recorded in the audit log with its lineage, renders a model card from that record alone, is
 * repeatable for a seed, and bad requests are refused before anything is stored.
 */
class TrainingRunTest extends RewardModelServerTest {

    @Autowired
    JobQueue jobs;

    /** A shutdown that interrupts running jobs at once, so that the resume test stops its run midway. */
    @DynamicPropertySource
    static void interruptAtOnce(DynamicPropertyRegistry registry) {
        registry.add("cairn.jobs.shutdown-timeout", () -> "0s");
    }

    @Autowired
    RewardModelRepository models;

    private JsonNode train(String key, String body) {
        HttpResponse<String> started = post("/v1/training/runs", key, body);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(json(started).path("state").asString()).isEqualTo("queued");
        return awaitState("/v1/training/runs/" + json(started).path("id").asString(), key, "completed", "failed", "cancelled");
    }

    @Test
    void aPrivateRunLearnsThePreferenceAndIsRecordedWithItsLineage() {
        String key = createKey("ws-train");
        String dataset = preferenceDataset(key, 40);
        JsonNode run = train(key, """
                {"dataset_id":"%s","model":"helpful-v1","steps":120,"sample_rate":0.25,"seed":5,
                 "privacy":{"epsilon":8,"delta":1e-5}}""".formatted(dataset));
        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("completed");
        assertThat(run.path("progress").path("step").asInt()).isEqualTo(120);
        JsonNode privacy = run.path("settings").path("privacy");
        assertThat(privacy.path("epsilon").asDouble()).isBetween(7.9, 8.0);
        assertThat(privacy.path("noise_multiplier").asDouble()).isPositive();
        assertThat(run.path("metrics").path("validation_pairs").asInt()).isPositive();
        assertThat(run.path("metrics").path("validation_accuracy").asDouble()).isGreaterThanOrEqualTo(0.75);

        JsonNode entry = json(get("/v1/audit/entries/" + run.path("record_log_index").asLong(), ADMIN_KEY)).path("entry");
        assertThat(entry.path("type").asString()).isEqualTo("training.completed");
        JsonNode data = entry.path("data");
        JsonNode described = json(get("/v1/datasets/" + dataset, key));
        assertThat(data.path("dataset").path("id").asString()).isEqualTo(dataset);
        assertThat(data.path("dataset").path("rows_root").asString()).isEqualTo(described.path("manifest").path("rows_root").asString());
        assertThat(data.path("dataset").path("pairs").asInt()).isEqualTo(40);
        assertThat(data.path("training").path("seed").asLong()).isEqualTo(5);
        assertThat(data.path("privacy").path("epsilon").asDouble()).isEqualTo(privacy.path("epsilon").asDouble());
        assertThat(data.path("model").path("sha256").asString()).hasSize(64);

        HttpResponse<String> card = get("/v1/training/runs/" + run.path("id").asString() + "/model-card", key);
        assertThat(card.statusCode()).isEqualTo(200);
        assertThat(card.headers().firstValue("Content-Type").orElse("")).startsWith("text/markdown");
        assertThat(card.body()).startsWith("---\nlibrary_name: cairn\n")
                .contains("  - differential-privacy", "model_sha256: " + data.path("model").path("sha256").asString(),
                        "dataset_rows_root: ", "# helpful-v1", "record_log_index: " + run.path("record_log_index").asLong(),
                        "**noise multiplier**: ", "**seed**: 5");
    }

    @Test
    void theSameSeedRepeatsARunWithoutPrivacyButNeverAPrivateOne() {
        String key = createKey("ws-train-seed");
        String dataset = preferenceDataset(key, 20);
        String plain = """
                {"dataset_id":"%s","model":"%s","steps":40,"seed":9}""";
        JsonNode first = train(key, plain.formatted(dataset, "seeded-a"));
        JsonNode second = train(key, plain.formatted(dataset, "seeded-b"));
        assertThat(modelHash(second)).isEqualTo(modelHash(first));
        assertThat(first.path("metrics").has("train_accuracy")).isTrue();

        // A private run's noise comes from a secret of its own: a published seed must not let anyone subtract it.
        String noisy = """
                {"dataset_id":"%s","model":"%s","steps":40,"seed":9,"privacy":{"noise_multiplier":3,"delta":1e-5}}""";
        JsonNode privateA = train(key, noisy.formatted(dataset, "private-a"));
        JsonNode privateB = train(key, noisy.formatted(dataset, "private-b"));
        assertThat(privateA.path("state").asString()).as(privateA.toString()).isEqualTo("completed");
        assertThat(modelHash(privateB)).isNotEqualTo(modelHash(privateA));
        assertThat(privateA.path("settings").path("privacy").path("noise_multiplier").asDouble()).isEqualTo(3.0);
        assertThat(privateA.path("metrics").has("train_accuracy")).as("exact training figures are not private").isFalse();
        assertThat(privateA.toString()).doesNotContain("secret");

        HttpResponse<String> again = post("/v1/training/runs", key, plain.formatted(dataset, "seeded-a"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).path("error").path("code").asString()).isEqualTo("model_exists");

        HttpResponse<String> cancelled = post("/v1/training/runs/" + first.path("id").asString() + "/cancel", key, "");
        assertThat(cancelled.statusCode()).isEqualTo(409);
        assertThat(json(cancelled).path("error").path("code").asString()).isEqualTo("run_finished");
    }

    @Test
    void aNameIsReservedFromTheMomentItsRunIsAccepted() {
        String key = createKey("ws-train-name");
        String dataset = preferenceDataset(key, 8);
        HttpResponse<String> started = post("/v1/training/runs", key, """
                {"dataset_id":"%s","model":"taken","steps":100000,"sample_rate":0.5}""".formatted(dataset));
        assertThat(started.statusCode()).isEqualTo(202);
        HttpResponse<String> second = post("/v1/training/runs", key, """
                {"dataset_id":"%s","model":"taken","steps":10}""".formatted(dataset));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(json(second).path("error").path("code").asString()).isEqualTo("model_exists");
        String id = json(started).path("id").asString();
        assertThat(post("/v1/training/runs/" + id + "/cancel", key, "").statusCode()).isEqualTo(200);
        // Cancelled, the name is free again.
        assertThat(post("/v1/training/runs", key, """
                {"dataset_id":"%s","model":"taken","steps":10}""".formatted(dataset)).statusCode()).isEqualTo(202);
    }

    @Test
    void aRunStoppedMidwayByAShutdownResumesFromItsCheckpointAndEndsWithTheSameModel() throws Exception {
        String key = createKey("ws-train-resume");
        String dataset = preferenceDataset(key, 12);
        String body = """
                {"dataset_id":"%s","model":"%s","steps":30000,"sample_rate":0.5,"seed":3}""";
        JsonNode straight = train(key, body.formatted(dataset, "resume-straight"));
        assertThat(straight.path("metrics").path("resumed_at_step").asInt()).isZero();

        HttpResponse<String> started = post("/v1/training/runs", key, body.formatted(dataset, "resume-stopped"));
        String id = json(started).path("id").asString();
        // Wait for a checkpoint, then stop the job workers as a shutdown does: the run's job goes back to the queue.
        awaitProgress(key, id);
        jobs.stop();
        JsonNode stopped = json(get("/v1/training/runs/" + id, key));
        jobs.start();
        assertThat(stopped.path("state").asString()).as(stopped.toString()).isEqualTo("running");
        JsonNode resumed = awaitState("/v1/training/runs/" + id, key, "completed", "failed", "cancelled");
        assertThat(resumed.path("state").asString()).as(resumed.toString()).isEqualTo("completed");
        assertThat(resumed.path("metrics").path("resumed_at_step").asInt()).as(resumed.toString()).isPositive();
        assertThat(modelHash(resumed)).isEqualTo(modelHash(straight));
    }

    @Test
    void aCancelledRunStopsAndStoresNoModel() {
        String key = createKey("ws-train-cancel");
        String dataset = preferenceDataset(key, 8);
        HttpResponse<String> started = post("/v1/training/runs", key, """
                {"dataset_id":"%s","model":"never","steps":100000,"sample_rate":0.5}""".formatted(dataset));
        String id = json(started).path("id").asString();
        awaitProgress(key, id);
        HttpResponse<String> cancelled = post("/v1/training/runs/" + id + "/cancel", key, "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).path("state").asString()).isEqualTo("cancelled");
        JsonNode after = awaitState("/v1/training/runs/" + id, key, "cancelled");
        assertThat(after.path("record_log_index").isNull()).isTrue();
        HttpResponse<String> card = get("/v1/training/runs/" + id + "/model-card", key);
        assertThat(card.statusCode()).isEqualTo(409);
        assertThat(models.exists("ws-train-cancel", "never")).isFalse();
    }

    private void awaitProgress(String key, String id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (json(get("/v1/training/runs/" + id, key)).path("progress").path("step").asInt() == 0) {
            assertThat(Instant.now()).as("run %s made no checkpoint", id).isBefore(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private String modelHash(JsonNode run) {
        return json(get("/v1/audit/entries/" + run.path("record_log_index").asLong(), ADMIN_KEY))
                .path("entry").path("data").path("model").path("sha256").asString();
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsStored() {
        String key = createKey("ws-train-bad");
        String dataset = preferenceDataset(key, 4);
        String[][] cases = {
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"privacy\":{\"noise_multiplier\":0,\"delta\":1e-5}}", "privacy.noise_multiplier"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"privacy\":{\"noise_multiplier\":-1,\"delta\":1e-5}}", "privacy.noise_multiplier"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"sample_rate\":0}", "sample_rate"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"sample_rate\":1.5}", "sample_rate"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"steps\":\"ten\"}", "steps"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"privacy\":{\"epsilon\":8}}", "privacy.delta"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"privacy\":{\"epsilon\":8,\"noise_multiplier\":1,\"delta\":1e-5}}", "privacy"},
                {"{\"dataset_id\":\"%s\",\"model\":\"no spaces\"}", "model"},
                {"{\"dataset_id\":\"%s\",\"model\":\"m\",\"bogus\":1}", "bogus"},
        };
        for (String[] bad : cases) {
            HttpResponse<String> refused = post("/v1/training/runs", key, bad[0].formatted(dataset));
            assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(json(refused).path("error").path("param").asString()).as(bad[0]).isEqualTo(bad[1]);
        }
        assertThat(post("/v1/training/runs", key, "{not json").statusCode()).isEqualTo(400);

        // Another workspace's dataset is the same 404 as one that does not exist.
        String other = createKey("ws-train-other");
        HttpResponse<String> foreign = post("/v1/training/runs", other, "{\"dataset_id\":\"%s\",\"model\":\"m\"}".formatted(dataset));
        HttpResponse<String> missing = post("/v1/training/runs", other, "{\"dataset_id\":\"ds_nope\",\"model\":\"m\"}");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(foreign).path("error").path("code").asString()).isEqualTo(json(missing).path("error").path("code").asString());

        // A version without preferences: interactions only.
        String plain = createKey("ws-train-plain");
        assertThat(post("/v1/chat/completions", plain, """
                {"model":"cairn/echo","messages":[{"role":"user","content":"no preference here"}]}""").statusCode()).isEqualTo(200);
        String noPairs = builtDataset(plain);
        HttpResponse<String> empty = post("/v1/training/runs", plain, "{\"dataset_id\":\"%s\",\"model\":\"m\"}".formatted(noPairs));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(json(empty).path("error").path("code").asString()).isEqualTo("no_preferences");

        assertThat(get("/v1/training/runs/trn_nope", key).statusCode()).isEqualTo(404);
        assertThat(json(get("/v1/training/runs", key)).path("data").isEmpty()).as("nothing was stored").isTrue();
    }

    @Test
    void aPrivateRunIsChargedToItsDatasetAndAnnotatorAndOneThatWouldOverspendIsRefusedBeforeItIsStored() {
        JsonNode created = json(post("/admin/keys", ADMIN_KEY, "{\"workspace\":\"ws-train-budget\",\"name\":\"annotator\"}"));
        String keyId = created.path("id").asString();
        String key = created.path("secret").asString();
        String dataset = preferenceDataset(key, 4);
        String budget = "/admin/privacy/budgets/ws-train-budget/annotator/" + keyId;
        assertThat(send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(budget)))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"epsilon\":2,\"delta\":1e-5}")).build())
                .statusCode()).isEqualTo(200);

        String body = """
                {"dataset_id":"%s","model":"%s","steps":20,"privacy":{"epsilon":%s,"delta":1e-5}}""";
        HttpResponse<String> refused = post("/v1/training/runs", key, body.formatted(dataset, "too-costly", "3"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode error = json(refused).path("error");
        assertThat(error.path("code").asString()).isEqualTo("privacy_budget_exceeded");
        assertThat(error.path("param").asString()).isEqualTo("annotator " + keyId);
        assertThat(error.path("message").asString()).contains("annotator " + keyId, "over its budget of ε = 2.0");
        assertThat(json(get("/v1/training/runs", key)).path("data").isEmpty()).as("nothing was stored").isTrue();
        assertThat(json(get("/v1/privacy/budgets/dataset/" + dataset, key)).path("charges").asLong()).isZero();

        JsonNode run = train(key, body.formatted(dataset, "affordable", "1.5"));
        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("completed");
        JsonNode budgets = json(get("/v1/privacy/budgets", key)).path("data");
        assertThat(budgets).hasSize(2);
        assertThat(budgets.get(0).path("kind").asString()).isEqualTo("dataset");
        assertThat(budgets.get(0).path("id").asString()).isEqualTo(dataset);
        assertThat(budgets.get(1).path("id").asString()).isEqualTo(keyId);
        for (JsonNode holder : budgets) {
            assertThat(holder.path("charges").asLong()).isEqualTo(1);
            assertThat(holder.path("spent_epsilon").asDouble()).isBetween(1.4, 1.5);
        }
        assertThat(budgets.get(1).path("left_epsilon").asDouble()).isBetween(0.5, 0.6);
    }
}
