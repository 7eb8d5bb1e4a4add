package dev.cairn.rewards;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.platform.embedding.LocalEmbedder;
import org.springframework.stereotype.Component;

/**
 * The representation a reward head scores: for a (prompt, answer), the answer's all-MiniLM-L6-v2
 * embedding followed by its element-wise product with the prompt's. The first half lets the head
 * learn what good answers look like at all; the second, how an answer should relate to its prompt,
 * which a linear head over the answer alone cannot express. The product is scaled by √d so that
 * both halves have the same typical size (1/√d a coordinate): DP-SGD adds the same noise to every
 * coordinate, which would drown a half a √d times smaller.
 */
@Component
public final class RewardFeatures {

    /**
     * How much of a prompt is embedded: its end, about what all-MiniLM-L6-v2 reads (256 word pieces),
     * since the model would otherwise keep a long conversation's beginning and drop the turn being
     * answered.
     */
    static final int PROMPT_TAIL_CHARS = 1000;
    /** Pairs embedded per call of {@link #differences}. */
    private static final int CHUNK = 256;
    /** The embedding model, recorded in every model file: features from any other would be meaningless to it. */
    static final String EMBEDDING = LocalEmbedder.MODEL;
    /** The layout of {@link #combine}, recorded in every model file for the same reason. */
    static final String LAYOUT = "answer ++ sqrt(d)*prompt*answer";

    private final LocalEmbedder embedder;

    /** Always the in-process model, whatever memory embeds with: a reward model's features must not change under it. */
    public RewardFeatures(LocalEmbedder embedder) {
        this.embedder = embedder;
    }

    /** The features of each (prompt, answer) pair, embedding each distinct text once per call. */
    public List<double[]> of(List<String> prompts, List<String> answers) {
        Map<String, Integer> distinct = new LinkedHashMap<>();
        prompts.forEach(text -> distinct.putIfAbsent(tail(text), distinct.size()));
        answers.forEach(text -> distinct.putIfAbsent(text, distinct.size()));
        List<String> texts = distinct.keySet().stream().filter(text -> !text.isBlank()).toList();
        List<float[]> embedded = texts.isEmpty() ? List.of() : embedder.embed(texts);
        Map<String, float[]> vectors = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            vectors.put(texts.get(i), embedded.get(i));
        }
        // An empty text has no meaning to embed (the model refuses it): it is the zero vector.
        float[] empty = new float[LocalEmbedder.DIMENSIONS];
        List<double[]> features = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            features.add(combine(vectors.getOrDefault(tail(prompts.get(i)), empty), vectors.getOrDefault(answers.get(i), empty)));
        }
        return features;
    }

    /**
     * Each pair's chosen features minus its rejected ones: all a Bradley-Terry head needs, since
     * P(chosen ≻ rejected) = sigmoid(w · (x_chosen − x_rejected)). Embedded a chunk of pairs at a
     * time, so that only the differences, not both sides' features, are ever held for all of them.
     */
    public List<double[]> differences(List<PreferencePair> pairs) {
        List<double[]> differences = new ArrayList<>(pairs.size());
        for (int from = 0; from < pairs.size(); from += CHUNK) {
            List<PreferencePair> chunk = pairs.subList(from, Math.min(pairs.size(), from + CHUNK));
            List<String> prompts = new ArrayList<>(chunk.size() * 2);
            List<String> answers = new ArrayList<>(chunk.size() * 2);
            for (PreferencePair pair : chunk) {
                prompts.add(pair.prompt());
                answers.add(pair.chosen());
            }
            for (PreferencePair pair : chunk) {
                prompts.add(pair.prompt());
                answers.add(pair.rejected());
            }
            List<double[]> features = of(prompts, answers);
            for (int i = 0; i < chunk.size(); i++) {
                double[] chosen = features.get(i);
                double[] rejected = features.get(chunk.size() + i);
                double[] difference = new double[chosen.length];
                for (int j = 0; j < chosen.length; j++) {
                    difference[j] = chosen[j] - rejected[j];
                }
                differences.add(difference);
            }
        }
        return differences;
    }

    private static String tail(String prompt) {
        return prompt.length() <= PROMPT_TAIL_CHARS ? prompt : prompt.substring(prompt.length() - PROMPT_TAIL_CHARS);
    }

    static double[] combine(float[] prompt, float[] answer) {
        double[] features = new double[answer.length * 2];
        double scale = Math.sqrt(answer.length);
        for (int i = 0; i < answer.length; i++) {
            features[i] = answer[i];
            features[answer.length + i] = scale * prompt[i] * answer[i];
        }
        return features;
    }
}
