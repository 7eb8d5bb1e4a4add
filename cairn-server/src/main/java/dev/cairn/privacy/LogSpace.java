package dev.cairn.privacy;

/**
 * Arithmetic on numbers held as their logarithms, for sums whose terms overflow or underflow a
 * double: the accountant's terms range from e^-1000 to e^+100000.
 */
final class LogSpace {

    private LogSpace() {
    }

    /** log(e^a + e^b). */
    static double add(double a, double b) {
        double low = Math.min(a, b);
        double high = Math.max(a, b);
        if (low == Double.NEGATIVE_INFINITY) {
            return high;
        }
        return high + Math.log1p(Math.exp(low - high));
    }

    /** log(e^a − e^b) for a ≥ b; NaN when a < b, as the difference would be negative. */
    static double subtract(double a, double b) {
        if (a < b) {
            return Double.NaN;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        return a + Math.log(-Math.expm1(b - a));
    }

    /** log(1 + e^x) without overflow for large x nor loss for very negative x. */
    static double log1pExp(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /** log(e^x − 1) for x ≥ 0: −∞ at 0, about x for large x. */
    static double logExpm1(double x) {
        return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
    }
}
