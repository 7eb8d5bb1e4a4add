package dev.cairn.privacy;

import java.util.Arrays;

/**
 * The Rényi differential privacy of one step of the Poisson-subsampled Gaussian mechanism, at the
 * orders Opacus uses, following Mironov, Talwar and Zhang, "Rényi Differential Privacy of the
 * Sampled Gaussian Mechanism" (2019), as Opacus and TF Privacy compute it: RDP(α) = log A_α / (α − 1).
 *
 * <p>For an integer α, A_α is a binomial sum of positive terms. It is summed here as 1 + (A_α − 1),
 * with the terms of A_α − 1 (each a multiple of e^x − 1) in log space, so that a tiny sampling rate,
 * where A_α is 1 + 1e-20, keeps its digits instead of vanishing in rounding.
 *
 * <p>For a fractional α, the series of section 3.3 of the paper: its terms alternate in sign past
 * i = α and, for tiny q or huge σ, nearly cancel against 1. When the series would need a negative
 * partial sum, has not converged within {@link #MAX_TERMS}, or its estimated rounding error could
 * exceed a billionth of A_α − 1, the value used is instead the chord between the neighbouring integer orders:
 * log A_α is convex in α (a log moment-generating function), so the chord is an upper bound and the
 * accounting stays sound, only a little less tight at that order.
 */
final class SampledGaussianRdp {

    /** Opacus' default orders: 1.1 to 10.9 in steps of 0.1, then the integers 12 to 63. */
    private static final double[] ORDERS = buildOrders();

    static final int MAX_TERMS = 20_000;
    private static final double LOG_HALF = Math.log(0.5);
    private static final double SQRT2 = Math.sqrt(2);
    /** Rounding of a sum of a few logarithms, per unit of their size: a few ulps, generously. */
    private static final double ROUNDING = 8 * Math.ulp(1.0);
    private static final double REQUIRED_RELATIVE_ACCURACY = 1e-9;
    private static final double LOG_REQUIRED_RELATIVE_ACCURACY = Math.log(REQUIRED_RELATIVE_ACCURACY);

    private SampledGaussianRdp() {
    }

    /** The orders α at which RDP is computed, in increasing order (a copy). */
    static double[] orders() {
        return ORDERS.clone();
    }

    private static double[] buildOrders() {
        double[] orders = new double[99 + 52];
        for (int x = 1; x <= 99; x++) {
            orders[x - 1] = 1 + x / 10.0; // as Opacus writes it, so that 2.0, 3.0, … are exactly integers
        }
        for (int a = 12; a <= 63; a++) {
            orders[99 + a - 12] = a;
        }
        return orders;
    }

    static int orderCount() {
        return ORDERS.length;
    }

    /** RDP of one step at each of {@link #orders()}. */
    static double[] perStep(double q, double sigma) {
        return Arrays.stream(ORDERS).map(alpha -> rdp(q, sigma, alpha)).toArray();
    }

    /** RDP of one step at order α > 1, for 0 &lt; q ≤ 1 and σ > 0. */
    static double rdp(double q, double sigma, double alpha) {
        if (q == 1) {
            return alpha / (2 * sigma * sigma);
        }
        return logA(q, sigma, alpha) / (alpha - 1);
    }

    static double logA(double q, double sigma, double alpha) {
        if (alpha == Math.rint(alpha)) {
            return logAInteger(q, sigma, (int) alpha);
        }
        int below = (int) Math.floor(alpha);
        double atBelow = below == 1 ? 0 : logAInteger(q, sigma, below);
        double atAbove = logAInteger(q, sigma, below + 1);
        double chord = (below + 1 - alpha) * atBelow + (alpha - below) * atAbove;
        // The series sums terms of about 1 to get A_α, each rounded by about ROUNDING: when the chord
        // already bounds A_α − 1 below what that can resolve, the series is not worth its time.
        if (Math.expm1(chord) * REQUIRED_RELATIVE_ACCURACY < ROUNDING) {
            return chord;
        }
        double series = logAFractional(q, sigma, alpha);
        return Double.isNaN(series) ? chord : series;
    }

    /** log A_α for an integer α ≥ 2 and q &lt; 1, as log(1 + (A_α − 1)). */
    static double logAInteger(double q, double sigma, int alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSquared = 2 * sigma * sigma;
        double logBinomial = 0;
        double logExcess = Double.NEGATIVE_INFINITY;
        for (int i = 1; i <= alpha; i++) {
            logBinomial += Math.log(alpha - i + 1) - Math.log(i);
            if (i >= 2) { // the terms for i = 0 and 1 are multiples of e^0 − 1 = 0
                double term = logBinomial + i * logQ + (alpha - i) * log1mQ
                        + LogSpace.logExpm1(((double) i * i - i) / twoSigmaSquared);
                logExcess = LogSpace.add(logExcess, term);
            }
        }
        return LogSpace.log1pExp(logExcess);
    }

    /** log A_α for a fractional α by the series, or NaN when the series cannot be trusted (see the class comment). */
    static double logAFractional(double q, double sigma, double alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSquared = 2 * sigma * sigma;
        double z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double logRounding = Double.NEGATIVE_INFINITY;
        double logCoefficient = 0; // log |binomial(α, i)|, carried from term to term
        boolean positive = true;
        for (int i = 0; i < MAX_TERMS; i++) {
            double j = alpha - i;
            double binomial0 = logCoefficient + i * logQ + j * log1mQ;
            double binomial1 = logCoefficient + j * logQ + i * log1mQ;
            double square0 = ((double) i * i - i) / twoSigmaSquared;
            double square1 = (j * j - j) / twoSigmaSquared;
            double tail0 = LOG_HALF + Erfc.logErfc((i - z0) / (SQRT2 * sigma));
            double tail1 = LOG_HALF + Erfc.logErfc((z0 - j) / (SQRT2 * sigma));
            double s0 = binomial0 + square0 + tail0;
            double s1 = binomial1 + square1 + tail1;
            if (positive) {
                logA0 = LogSpace.add(logA0, s0);
                logA1 = LogSpace.add(logA1, s1);
            } else {
                logA0 = LogSpace.subtract(logA0, s0);
                logA1 = LogSpace.subtract(logA1, s1);
                if (Double.isNaN(logA0) || Double.isNaN(logA1)) {
                    return Double.NaN;
                }
            }
            // A term e^s whose exponent is a sum of parts of size M is off by about e^s·M·ulp.
            logRounding = LogSpace.add(logRounding, LogSpace.add(
                    s0 + Math.log(ROUNDING * (Math.abs(binomial0) + Math.abs(square0) + Math.abs(tail0) + 1)),
                    s1 + Math.log(ROUNDING * (Math.abs(binomial1) + Math.abs(square1) + Math.abs(tail1) + 1))));
            if (i > alpha && converged(Math.max(s0, s1), LogSpace.add(logA0, logA1))) {
                double logA = LogSpace.add(logA0, logA1);
                return logA > 0 && Math.exp(logRounding) <= REQUIRED_RELATIVE_ACCURACY * Math.expm1(logA) ? logA : Double.NaN;
            }
            logCoefficient += Math.log(Math.abs(alpha - i)) - Math.log(i + 1);
            if (alpha - i < 0) {
                positive = !positive;
            }
        }
        return Double.NaN;
    }

    /**
     * Past i = α the terms alternate and shrink, so the next one bounds what is left. Opacus stops
     * below e^-30; here the term must also be below the accuracy asked of A_α − 1, which is what
     * RDP is made of.
     */
    private static boolean converged(double logTerm, double logPartial) {
        double logExcess = LogSpace.subtract(logPartial, 0);
        double bound = Double.isNaN(logExcess) ? -30 : Math.min(-30, logExcess + LOG_REQUIRED_RELATIVE_ACCURACY);
        return logTerm < bound;
    }
}
