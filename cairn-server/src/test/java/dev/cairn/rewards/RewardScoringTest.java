package dev.cairn.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/rewards/score} on the running server with a model trained through the API: helpful
 * answers score above curt ones, in plain text and in chat shapes alike; a model that does not exist,
 * or is another workspace's, is a 404; bad bodies are 400s naming their field, in OpenAI's error shape.
 */
class RewardScoringTest extends RewardModelServerTest {

    private static final String WORKSPACE = "ws-score";
    private static final String MODEL = "scorer-v1";

    @Test
    void helpfulAnswersScoreAboveCurtOnes() {
        String key = keyWithModel(WORKSPACE, MODEL);
        String[] prompts = {"How do I get better at knitting?", "How do I get better at chess?", "How do I get better at singing?"};
        StringBuilder input = new StringBuilder();
        for (String prompt : prompts) {
            input.append(input.isEmpty() ? "" : ",")
                    .append("{\"prompt\":\"%s\",\"answer\":\"%s\"},".formatted(prompt, HELPFUL.formatted(prompt)))
                    .append("{\"prompt\":\"%s\",\"answer\":\"%s\"}".formatted(prompt, CURT.formatted(prompt)));
        }
        HttpResponse<String> scored = post("/v1/rewards/score", key, "{\"model\":\"%s\",\"input\":[%s]}".formatted(MODEL, input));
        assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
        JsonNode body = json(scored);
        assertThat(body.path("object").asString()).isEqualTo("list");
        assertThat(body.path("model").asString()).isEqualTo(MODEL);
        JsonNode data = body.path("data");
        assertThat(data.size()).isEqualTo(2 * prompts.length);
        for (int i = 0; i < data.size(); i++) {
            assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
        }
        for (int i = 0; i < prompts.length; i++) {
            assertThat(data.get(2 * i).path("score").asDouble()).as(prompts[i])
                    .isGreaterThan(data.get(2 * i + 1).path("score").asDouble());
        }
    }

    @Test
    void chatMessagesScoreAsTheTextTheyRenderTo() {
        String key = keyWithModel(WORKSPACE, MODEL);
        String prompt = "How do I get better at juggling?";
        HttpResponse<String> scored = post("/v1/rewards/score", key, """
                {"model":"%s","input":[
                  {"prompt":"user: %s","answer":"%s"},
                  {"prompt":[{"role":"user","content":"%s"}],"answer":{"role":"assistant","content":"%s"}},
                  {"prompt":[{"role":"user","content":[{"type":"text","text":"%s"}]}],"answer":{"role":"assistant","content":"%s"}}]}"""
                .formatted(MODEL, prompt, HELPFUL.formatted(prompt), prompt, HELPFUL.formatted(prompt), prompt, CURT.formatted(prompt)));
        assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
        JsonNode data = json(scored).path("data");
        assertThat(data.get(1).path("score").asDouble()).isEqualTo(data.get(0).path("score").asDouble());
        assertThat(data.get(1).path("score").asDouble()).isGreaterThan(data.get(2).path("score").asDouble());
    }

    @Test
    void anUnknownModelAndAnotherWorkspacesAreTheSame404() {
        keyWithModel(WORKSPACE, MODEL);
        String other = createKey("ws-score-other");
        HttpResponse<String> foreign = post("/v1/rewards/score", other, "{\"model\":\"%s\",\"input\":[{\"prompt\":\"a\",\"answer\":\"b\"}]}".formatted(MODEL));
        HttpResponse<String> missing = post("/v1/rewards/score", other, "{\"model\":\"nope\",\"input\":[{\"prompt\":\"a\",\"answer\":\"b\"}]}");
        for (HttpResponse<String> response : java.util.List.of(foreign, missing)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
            JsonNode error = json(response).path("error");
            assertThat(error.path("code").asString()).isEqualTo("reward_model_not_found");
            assertThat(error.path("param").asString()).isEqualTo("model");
            assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        }
        String annotator = createKeyWithRole(WORKSPACE, "annotator");
        assertThat(post("/v1/rewards/score", annotator, "{\"model\":\"%s\",\"input\":[{\"prompt\":\"a\",\"answer\":\"b\"}]}"
                .formatted(MODEL)).statusCode()).isEqualTo(403);
    }

    @Test
    void badBodiesAre400sNamingTheirField() {
        String key = createKey("ws-score-bad");
        String pair = "{\"prompt\":\"a\",\"answer\":\"b\"}";
        String[][] cases = {
                {"{\"input\":[" + pair + "]}", "model"},
                {"{\"model\":7,\"input\":[" + pair + "]}", "model"},
                {"{\"model\":\" \",\"input\":[" + pair + "]}", "model"},
                {"{\"model\":\"m\"}", "input"},
                {"{\"model\":\"m\",\"input\":{}}", "input"},
                {"{\"model\":\"m\",\"input\":[]}", "input"},
                {"{\"model\":\"m\",\"input\":[" + (pair + ",").repeat(256) + pair + "]}", "input"},
                {"{\"model\":\"m\",\"input\":[\"text\"]}", "input[0]"},
                {"{\"model\":\"m\",\"input\":[" + pair + ",{\"answer\":\"b\"}]}", "input[1].prompt"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":3,\"answer\":\"b\"}]}", "input[0].prompt"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":[],\"answer\":\"b\"}]}", "input[0].prompt"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":[{\"content\":\"x\"}],\"answer\":\"b\"}]}", "input[0].prompt[0].role"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":[{\"role\":\"user\",\"content\":5}],\"answer\":\"b\"}]}", "input[0].prompt[0].content"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":\"a\"}]}", "input[0].answer"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":\"a\",\"answer\":[\"b\"]}]}", "input[0].answer"},
                {"{\"model\":\"m\",\"input\":[{\"prompt\":\"a\",\"answer\":\"b\",\"score\":1}]}", "input[0].score"},
                {"{\"model\":\"m\",\"input\":[" + pair + "],\"top\":1}", "top"},
        };
        for (String[] bad : cases) {
            HttpResponse<String> refused = post("/v1/rewards/score", key, bad[0]);
            assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
            JsonNode error = json(refused).path("error");
            assertThat(error.path("param").asString()).as(bad[0]).isEqualTo(bad[1]);
            assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asString()).isNotBlank();
        }
        for (String broken : new String[] {"{not json", "[]", "", "{\"model\":\"m\",\"model\":\"n\",\"input\":[]}"}) {
            HttpResponse<String> refused = post("/v1/rewards/score", key, broken);
            assertThat(refused.statusCode()).as(broken).isEqualTo(400);
            assertThat(json(refused).path("error").path("message").asString()).isNotBlank();
        }
        HttpResponse<String> tooLarge = post("/v1/rewards/score", key,
                "{\"model\":\"m\",\"input\":[{\"prompt\":\"%s\",\"answer\":\"b\"}]}".formatted("x".repeat(70_000)));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
    }
}
