package dev.cairn.rewards;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Best-of-n at the gateway ({@code cairn.rewards.best-of}): the reward model that chooses among a
 * request's candidates when the request names none in {@code Cairn-Reward-Model}; null for no
 * default, so such a request is refused rather than judged by a model nobody chose.
 */
@ConfigurationProperties("cairn.rewards.best-of")
public record BestOfProperties(String model) {

    public BestOfProperties {
        model = model == null || model.isBlank() ? null : model.strip();
    }
}
