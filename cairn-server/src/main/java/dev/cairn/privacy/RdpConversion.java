package dev.cairn.privacy;

/**
 * From RDP at several orders to (ε, δ)-DP: ε = min over α of RDP(α) − (log δ + log α)/(α − 1)
 * + log((α − 1)/α), the conversion of Balle et al., "Hypothesis Testing Interpretations and Rényi
 * Differential Privacy" (2020), as Opacus' {@code get_privacy_spent} applies it. It is tighter than
 * the classic RDP(α) + log(1/δ)/(α − 1) by the last two terms.
 */
final class RdpConversion {

    private RdpConversion() {
    }

    /**
     * The smallest ε over the orders, and where it is; the first such order on a tie, as numpy's
     * nanargmin picks. An ε below 0 (possible for δ near 1) is reported as 0: ε-DP is a bound on a
     * non-negative quantity.
     */
    static PrivacySpent epsilon(double[] orders, double[] rdp, double delta) {
        double best = Double.NaN;
        double bestOrder = Double.NaN;
        for (int k = 0; k < orders.length; k++) {
            double alpha = orders[k];
            double epsilon = rdp[k] - (Math.log(delta) + Math.log(alpha)) / (alpha - 1) + Math.log((alpha - 1) / alpha);
            if (!Double.isNaN(epsilon) && (Double.isNaN(best) || epsilon < best)) {
                best = epsilon;
                bestOrder = alpha;
            }
        }
        if (Double.isNaN(best)) {
            return new PrivacySpent(Double.POSITIVE_INFINITY, Double.NaN, delta);
        }
        return new PrivacySpent(Math.max(0, best), bestOrder, delta);
    }
}
