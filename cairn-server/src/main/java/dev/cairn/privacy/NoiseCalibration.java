package dev.cairn.privacy;

/**
 * The inverse of the accountant: the smallest noise multiplier σ for which a run of {@code steps}
 * steps at sample rate q spends at most a target ε at δ. ε falls as σ grows, so a bracket found by
 * doubling and halving is narrowed by bisection (on log σ, since σ spans decades) until its ends
 * are within {@link #RELATIVE_TOLERANCE} of each other; the upper end, which meets the target, is
 * the answer.
 */
public final class NoiseCalibration {

    static final double RELATIVE_TOLERANCE = 1e-6;
    private static final int MAX_DOUBLINGS = 200;

    private NoiseCalibration() {
    }

    public static double smallestNoiseMultiplier(double sampleRate, long steps, double delta, double targetEpsilon) {
        new GaussianRun(1, sampleRate, steps); // checks q and steps as a run would
        PrivacyLedger.checkDelta(delta);
        if (steps < 1) {
            throw PrivacyException.invalidValue("steps", "'steps' must be at least 1 to calibrate noise for");
        }
        if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
            throw PrivacyException.invalidValue("target_epsilon",
                    "'target_epsilon' must be a finite number greater than 0, got " + targetEpsilon);
        }
        // With infinite noise RDP is 0 at every order, and the conversion still costs this much.
        double floor = RdpConversion.epsilon(SampledGaussianRdp.orders(), new double[SampledGaussianRdp.orderCount()],
                delta).epsilon();
        if (targetEpsilon <= floor) {
            throw PrivacyException.invalid("unreachable_target", "target_epsilon", "No noise reaches ε = "
                    + targetEpsilon + " at δ = " + delta + ": with RDP at orders up to 63 the least ε is " + floor);
        }
        double high = 1;
        int doublings = 0;
        while (epsilon(high, sampleRate, steps, delta) > targetEpsilon) {
            high *= 2;
            if (++doublings > MAX_DOUBLINGS) {
                throw PrivacyException.invalid("unreachable_target", "target_epsilon",
                        "No noise multiplier up to " + high + " reaches ε = " + targetEpsilon);
            }
        }
        double low = high / 2;
        while (epsilon(low, sampleRate, steps, delta) <= targetEpsilon) {
            high = low;
            low /= 2;
        }
        while (high / low > 1 + RELATIVE_TOLERANCE) {
            double middle = Math.sqrt(low * high);
            if (epsilon(middle, sampleRate, steps, delta) <= targetEpsilon) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return high;
    }

    private static double epsilon(double sigma, double sampleRate, long steps, double delta) {
        return PrivacyLedger.of(new GaussianRun(sigma, sampleRate, steps)).spent(delta).epsilon();
    }
}
