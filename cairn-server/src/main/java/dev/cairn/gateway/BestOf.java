package dev.cairn.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.RequestException;
import dev.cairn.platform.Settings;
import dev.cairn.rewards.BestOfProperties;
import dev.cairn.rewards.RewardScorer;
import jakarta.annotation.PreDestroy;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code Cairn-Best-Of: N}: N candidate answers to one prompt, each scored by a workspace's reward
 * model ({@code Cairn-Reward-Model}, else {@code cairn.rewards.best-of.model}), and the best given
 * to the caller as the only choice. The candidates come from one call with {@code n: N} where the
 * provider makes several choices, and the shortfall (all of them for Anthropic, which makes one)
 * from further calls of one choice each, in parallel. The request's audit entry keeps every
 * candidate (sealed, as its choices) and {@code best_of} with their scores, so the pairs can become
 * preference data; its usage is all the candidates', which the caller pays for.
 */
@Component
class BestOf {

    static final String HEADER = "Cairn-Best-Of";
    static final String MODEL_HEADER = "Cairn-Reward-Model";
    /** Every candidate's score, in candidate order, comma-separated. */
    static final String SCORES_HEADER = "Cairn-Best-Of-Scores";
    /** The index of the candidate the caller got. */
    static final String CHOSEN_HEADER = "Cairn-Best-Of-Chosen";
    static final int MIN = 2;
    /** Every candidate is paid for, held, scored and audited: more than this is a mistake, not a search. */
    static final int MAX = 16;

    private final RewardScorer scorer;
    private final String defaultModel;
    /** The make-up calls; virtual threads, since each mostly waits on its upstream. */
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    BestOf(RewardScorer scorer, BestOfProperties properties, Environment environment) {
        Settings.rejectUnknown(environment, "cairn.rewards.best-of", Bindable.of(BestOfProperties.class));
        this.scorer = scorer;
        this.defaultModel = properties.model();
    }

    /**
     * How many candidates {@code header} asks for, 0 when it is absent. One answer is chosen from
     * them, so a stream (which would have to wait for all of them anyway) and a request of its own
     * {@code n} are refused.
     */
    static int candidates(String header, boolean stream, Integer n) {
        if (header == null) {
            return 0;
        }
        int count;
        try {
            count = Integer.parseInt(header.strip());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < MIN || count > MAX) {
            throw RequestException.invalid("invalid_value", HEADER,
                    "'" + HEADER + "' must be a whole number from " + MIN + " to " + MAX + ", not '" + header + "'");
        }
        if (stream) {
            throw RequestException.invalid("invalid_value", HEADER,
                    "'" + HEADER + "' cannot be streamed: the answer is chosen once every candidate is complete; send 'stream': false");
        }
        if (n != null && n > 1) {
            throw RequestException.invalid("invalid_value", HEADER,
                    "'" + HEADER + "' asks for its own candidates and gives one answer; leave 'n' out (or 1)");
        }
        return count;
    }

    /** What a best-of request is judged by: its workspace's reward model, and how many candidates it gets. */
    record Judge(String workspace, String model, int candidates) {
    }

    /**
     * The request's judge, or null when it does not ask for best-of-n. The model is looked up now,
     * so a name that does not exist is a 404 before any candidate is paid for.
     */
    Judge judge(String workspace, ChatRequest chat) {
        if (chat.bestOf() == 0) {
            return null;
        }
        String named = chat.headers().rewardModel();
        if (named != null && named.isBlank()) {
            throw RequestException.invalid("invalid_value", MODEL_HEADER, "'" + MODEL_HEADER + "' must name a reward model");
        }
        String model = named != null ? named.strip() : defaultModel;
        if (model == null) {
            throw RequestException.invalid("missing_required_parameter", MODEL_HEADER, "'" + HEADER + "' needs a reward model to choose with: name one in '"
                    + MODEL_HEADER + "' (no default is configured in cairn.rewards.best-of.model)");
        }
        scorer.model(workspace, model, MODEL_HEADER);
        return new Judge(workspace, model, chat.bestOf());
    }

    /** The candidates gathered, as one answer (null when none came), and the failure that cut them short. */
    record Gathered(ProviderResult candidates, RuntimeException failure) {
    }

    /**
     * Asks {@code provider} for the judge's candidates: one call with {@code n} when it makes several
     * choices, then one call per missing candidate (some OpenAI-compatible servers ignore {@code n}).
     * When a call fails, what the others answered is kept, since their tokens were spent.
     */
    Gathered gather(Judge judge, ProviderClient provider, ObjectNode upstream, UpstreamCall call) {
        List<ProviderResult> results = new ArrayList<>();
        int have = 0;
        RuntimeException failure = null;
        try {
            if (provider.choosesMany()) {
                ProviderResult first = provider.chat(withChoices(upstream, judge.candidates()), call);
                results.add(first);
                have = tree(first).path("choices").size();
            }
            List<Future<ProviderResult>> more = new ArrayList<>();
            ObjectNode single = withChoices(upstream, 1);
            for (int i = have; i < judge.candidates(); i++) {
                more.add(calls.submit(() -> provider.chat(single, call)));
            }
            for (Future<ProviderResult> next : more) {
                try {
                    results.add(next.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure
                            : e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("Interrupted while gathering best-of candidates", e);
        } catch (RuntimeException e) {
            failure = e;
        }
        ProviderResult merged = merge(results);
        if (failure == null && (merged == null || tree(merged).path("choices").isEmpty())) {
            failure = GatewayException.upstreamFailed(provider.name(), "it gave no choices to choose from");
        }
        return new Gathered(merged, failure);
    }

    /** The upstream body asking for {@code n} choices; Anthropic's translation refuses any {@code n} above 1, so 1 is left out. */
    private static ObjectNode withChoices(ObjectNode upstream, int n) {
        ObjectNode body = JsonBodies.JSON.createObjectNode();
        body.setAll(upstream);
        if (n > 1) {
            body.put("n", n);
        } else {
            body.remove("n");
        }
        return body;
    }

    /** The answers as one: the first's identity, every choice numbered in order, the usage summed. */
    private static ProviderResult merge(List<ProviderResult> results) {
        if (results.size() <= 1) {
            return results.isEmpty() ? null : withTree(results.getFirst());
        }
        ObjectNode merged = JsonBodies.JSON.createObjectNode();
        merged.setAll((ObjectNode) tree(results.getFirst()));
        ArrayNode choices = merged.putArray("choices");
        long prompt = 0;
        long completion = 0;
        for (ProviderResult result : results) {
            for (JsonNode choice : tree(result).path("choices")) {
                choices.add(((ObjectNode) choice).deepCopy().put("index", choices.size()));
            }
            prompt += result.usage().promptTokens();
            completion += result.usage().completionTokens();
        }
        Usage usage = new Usage(prompt, completion);
        usage.putInto(merged);
        return new ProviderResult(JsonBodies.JSON.writeValueAsBytes(merged), usage, merged);
    }

    private static ProviderResult withTree(ProviderResult result) {
        return result.tree() != null ? result : new ProviderResult(result.body(), result.usage(), tree(result));
    }

    private static JsonNode tree(ProviderResult result) {
        return result.tree() != null ? result.tree() : JsonBodies.parseObject(result.body());
    }

    /**
     * The scores of the candidates and the one chosen: the highest, the first of equals.
     *
     * @param answer the caller's answer: the candidates' answer with the chosen one as its only choice (index 0)
     */
    record Picked(String model, int candidates, List<Double> scores, int chosen, ProviderResult answer) {

        /** The chosen answer's content; null when it has none. */
        String content() {
            JsonNode content = answer.tree().path("choices").path(0).path("message").path("content");
            return content.isString() ? content.stringValue() : null;
        }

        String scoresHeader() {
            StringBuilder text = new StringBuilder();
            for (double score : scores) {
                text.append(text.isEmpty() ? "" : ",").append(score);
            }
            return text.toString();
        }

        /** What the audit entry says of the choice ({@code best_of}); the candidates themselves are its sealed choices. */
        ObjectNode entry() {
            ObjectNode entry = JsonBodies.JSON.createObjectNode();
            entry.put("model", model).put("n", candidates).put("chosen", chosen);
            ArrayNode array = entry.putArray("scores");
            scores.forEach(array::add);
            return entry;
        }
    }

    /** Scores every candidate against the prompt as the client sent it and picks the best. */
    Picked pick(Judge judge, JsonNode messages, ProviderResult candidates) {
        JsonNode choices = candidates.tree().path("choices");
        List<RewardScorer.Candidate> pairs = new ArrayList<>(choices.size());
        for (JsonNode choice : choices) {
            pairs.add(RewardScorer.Candidate.ofChat(messages, choice.path("message")));
        }
        List<Double> scores = scorer.score(judge.workspace(), judge.model(), MODEL_HEADER, pairs);
        int chosen = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i) > scores.get(chosen)) {
                chosen = i;
            }
        }
        ObjectNode answer = JsonBodies.JSON.createObjectNode();
        answer.setAll((ObjectNode) candidates.tree());
        answer.putArray("choices").add(((ObjectNode) choices.get(chosen)).deepCopy().put("index", 0));
        return new Picked(judge.model(), judge.candidates(), scores, chosen,
                new ProviderResult(JsonBodies.JSON.writeValueAsBytes(answer), candidates.usage(), answer));
    }

    @PreDestroy
    void close() {
        calls.shutdown();
    }
}
