package dev.cairn.rewards;

import java.io.IOException;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /v1/rewards/score}: a workspace's reward model scores (prompt, answer) pairs. */
@RestController
class RewardController {

    private final RewardScorer scorer;
    private final long maxBodyBytes;

    RewardController(RewardScorer scorer, PlatformProperties platform) {
        this.scorer = scorer;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping(path = "/v1/rewards/score", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode score(HttpServletRequest http) throws IOException {
        ScoreRequest request = ScoreRequest.read(JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes)));
        List<Double> scores = scorer.score(Principal.of(http).workspace(), request.model(), "model", request.candidates());
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        json.put("model", request.model());
        ArrayNode data = json.putArray("data");
        for (int i = 0; i < scores.size(); i++) {
            data.addObject().put("object", "reward.score").put("index", i).put("score", scores.get(i));
        }
        return json;
    }
}
