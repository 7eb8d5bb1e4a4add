package dev.cairn.rewards;

import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cairn.platform.CacheBytes;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Scores (prompt, answer) pairs with a workspace's named reward model: what {@code /v1/rewards/score}
 * and best-of-n at the gateway call. Models are immutable once stored, so a read one is cached.
 */
@Service
public class RewardScorer {

    /** One answer to score against its prompt. */
    public record Candidate(String prompt, String answer) {

        /**
         * A chat's messages and one answer message, rendered as a dataset's pairs are for training
         * ({@link PairText}), so a model scores served answers as it learnt them.
         */
        public static Candidate ofChat(JsonNode messages, JsonNode answer) {
            return new Candidate(PairText.prompt(messages), PairText.answer(answer));
        }
    }

    private final RewardModelRepository models;
    private final RewardFeatures features;
    /** By bytes: a model's weights are as many as its features. */
    private final Cache<String, RewardModel> cache = CacheBytes.<String, RewardModel>bounded(32 << 20,
            (key, model) -> CacheBytes.of(key) + CacheBytes.OBJECT + CacheBytes.of(model.workspace())
                    + CacheBytes.of(model.name()) + CacheBytes.of(model.runId()) + CacheBytes.of(model.weights())).build();

    RewardScorer(RewardModelRepository models, RewardFeatures features) {
        this.models = models;
        this.features = features;
    }

    /**
     * The score of each candidate, in order, by the workspace's model {@code name}; a model that does
     * not exist, or is another workspace's, is a 404 naming {@code param}.
     */
    public List<Double> score(String workspace, String name, String param, List<Candidate> candidates) {
        RewardModel model = model(workspace, name, param);
        List<String> prompts = new ArrayList<>(candidates.size());
        List<String> answers = new ArrayList<>(candidates.size());
        for (Candidate candidate : candidates) {
            prompts.add(candidate.prompt());
            answers.add(candidate.answer());
        }
        return features.of(prompts, answers).stream().map(model::score).toList();
    }

    /** The model, or the 404 that names {@code param}. */
    public RewardModel model(String workspace, String name, String param) {
        RewardModel cached = cache.getIfPresent(workspace + "\u0000" + name);
        if (cached != null) {
            return cached;
        }
        RewardModel model = models.find(workspace, name).orElseThrow(() -> RewardException.modelNotFound(param, name));
        cache.put(workspace + "\u0000" + name, model);
        return model;
    }
}
