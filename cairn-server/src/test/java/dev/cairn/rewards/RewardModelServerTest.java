package dev.cairn.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import tools.jackson.databind.JsonNode;

/**
 * The running server with a small reward model trained through the API, as a user would train one:
 * prompts answered by the fake upstream with a helpful and a curt choice, a preference for the
 * helpful one each, a dataset version, and a short non-private run. Trained once per workspace for
 * the whole suite, since every subclass shares one server.
 */
public abstract class RewardModelServerTest extends CairnServerTest {

    /** The kind of answer the model learns to prefer. */
    protected static final String HELPFUL = "Certainly! %s is a fine question. Here is a clear, friendly and complete answer with the steps explained.";
    /** The kind it learns to rank below. */
    protected static final String CURT = "No. Figure it out yourself, I will not help with %s.";

    private static final String[] TOPICS = {"baking bread", "fixing a bike", "learning Spanish", "planting tomatoes",
            "writing a CV", "saving money", "running a marathon", "painting a room", "training a puppy", "brewing coffee"};
    /** Workspace to its key, once its model is trained. */
    private static final Map<String, String> TRAINED = new ConcurrentHashMap<>();

    /** A user key of {@code workspace}, whose reward model {@code model} has been trained. */
    protected String keyWithModel(String workspace, String model) {
        return TRAINED.computeIfAbsent(workspace + "/" + model, ignored -> train(workspace, model));
    }

    private String train(String workspace, String model) {
        String key = createKey(workspace);
        String dataset = preferenceDataset(key, 24);
        HttpResponse<String> started = post("/v1/training/runs", key, """
                {"dataset_id":"%s","model":"%s","steps":150,"sample_rate":0.5,"learning_rate":0.05,"seed":3}"""
                .formatted(dataset, model));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode run = awaitState("/v1/training/runs/" + json(started).path("id").asString(), key, "completed", "failed", "cancelled");
        assertThat(run.path("state").asString()).as(run.toString()).isEqualTo("completed");
        return key;
    }

    /**
     * A built dataset version of {@code count} prompts answered by the fake upstream with a helpful
     * and a curt choice (in an order set by the prompt), each with a preference for the helpful one.
     */
    protected String preferenceDataset(String key, int count) {
        UPSTREAM.handler((exchange, request) -> {
            String prompt = request.json().path("messages").path(0).path("content").asString();
            boolean helpfulFirst = prompt.hashCode() % 2 == 0;
            FakeUpstream.json(exchange, 200, """
                    {"id":"chatcmpl-train","object":"chat.completion","created":1,"model":"gpt-fake",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"},
                                {"index":1,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}"""
                    .formatted((helpfulFirst ? HELPFUL : CURT).formatted(prompt), (helpfulFirst ? CURT : HELPFUL).formatted(prompt)));
        });
        try {
            for (int i = 0; i < count; i++) {
                String prompt = "How do I get better at " + TOPICS[i % TOPICS.length] + " (question " + i + ")?";
                HttpResponse<String> chat = post("/v1/chat/completions", key, """
                        {"model":"fake/gpt-fake","n":2,"messages":[{"role":"user","content":"%s"}]}""".formatted(prompt));
                assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
                String id = chat.headers().firstValue("Cairn-Request-Id").orElseThrow();
                int helpful = json(chat).path("choices").path(0).path("message").path("content").asString().startsWith("Certainly") ? 0 : 1;
                HttpResponse<String> feedback = post("/v1/feedback", key, """
                        {"request_id":"%s","chosen_choice":%d,"rejected_choice":%d}""".formatted(id, helpful, 1 - helpful));
                assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
            }
        } finally {
            UPSTREAM.reset();
        }
        return builtDataset(key);
    }

    /** Builds a version of everything the key's workspace logged and waits until it is built. */
    protected String builtDataset(String key) {
        HttpResponse<String> built = post("/v1/datasets", key, "{\"filter\":{}}");
        assertThat(built.statusCode()).as(built.body()).isIn(200, 202);
        return awaitState("/v1/datasets/" + json(built).path("id").asString(), key, "built").path("id").asString();
    }

    protected JsonNode awaitState(String path, String key, String... states) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (true) {
            JsonNode json = json(get(path, key));
            for (String state : states) {
                if (state.equals(json.path("state").asString())) {
                    return json;
                }
            }
            assertThat(Instant.now()).as("%s still %s", path, json).isBefore(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
