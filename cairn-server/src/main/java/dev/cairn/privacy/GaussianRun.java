package dev.cairn.privacy;

/**
 * One run of the Poisson-subsampled Gaussian mechanism (DP-SGD): {@code steps} steps, each on a batch
 * that holds every record independently with probability {@code sampleRate}, its clipped gradient
 * sum given Gaussian noise of {@code noiseMultiplier} times the clipping norm.
 */
public record GaussianRun(double noiseMultiplier, double sampleRate, long steps) {

    public GaussianRun {
        if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
            throw PrivacyException.invalidValue("noise_multiplier",
                    "'noise_multiplier' (σ) must be a finite number greater than 0, got " + noiseMultiplier);
        }
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw PrivacyException.invalidValue("sample_rate",
                    "'sample_rate' (q) must be a number in (0, 1], got " + sampleRate);
        }
        if (steps < 0) {
            throw PrivacyException.invalidValue("steps", "'steps' must be an integer from 0, got " + steps);
        }
    }

    /** This run's RDP at each of {@link SampledGaussianRdp#orders()}: one step's, times the steps. */
    double[] rdp() {
        double[] rdp = new double[SampledGaussianRdp.orderCount()];
        if (steps == 0) {
            return rdp;
        }
        double[] perStep = SampledGaussianRdp.perStep(sampleRate, noiseMultiplier);
        for (int k = 0; k < rdp.length; k++) {
            rdp[k] = perStep[k] * steps;
        }
        return rdp;
    }
}
