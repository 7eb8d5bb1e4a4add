package dev.cairn.rewards;

/**
 * A training run's hyperparameters. {@code noiseMultiplier} σ above 0 makes it DP-SGD: each step
 * takes a Poisson sample of the pairs (each with probability {@code sampleRate}), clips each pair's
 * gradient to L2 norm {@code clipNorm}, adds Gaussian noise of standard deviation σ·clipNorm to the
 * sum and divides by the expected sample size; σ = 0 trains on the same samples without clipping or
 * noise. Everything random derives from {@code seed}, so a run is repeatable.
 */
public record TrainingSettings(int steps, double learningRate, double sampleRate, double clipNorm,
                               double noiseMultiplier, double weightDecay, long seed) {

    public boolean isPrivate() {
        return noiseMultiplier > 0;
    }
}
