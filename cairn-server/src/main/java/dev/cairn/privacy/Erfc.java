package dev.cairn.privacy;

/**
 * The complementary error function and its logarithm, which the JDK lacks, to full double precision.
 * W. J. Cody's rational approximations ("Rational Chebyshev approximation for the error function",
 * Math. Comp. 1969; his CALERF of 1985/1987), which give erfc and the scaled exp(x²)·erfc(x)
 * with relative error near 1e-16 on three intervals. The logarithm goes through the scaled form, so
 * it stays finite far past where erfc itself underflows (x > 26.5): the accountant's series needs
 * log erfc at arguments in the hundreds when σ is small.
 */
final class Erfc {

    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
    private static final double SMALL = 0.46875;
    /** Past this, 1/(x·√π) is exact to double precision as the scaled value. */
    private static final double HUGE = 6.71e7;

    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
            3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
            2.84423683343917062e03};
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
            2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
            1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
            1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
            1.23033935480374942e03};
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
            1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
            6.05183413124413191e-2, 2.33520497626869185e-3};

    private Erfc() {
    }

    /** erfc(x). */
    static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= SMALL) {
            return 1 - erfSmall(x);
        }
        double tail = expMinusSquare(y) * scaledTail(y);
        return x < 0 ? 2 - tail : tail;
    }

    /** log erfc(x), finite for every finite x (about −x² − log(x·√π) for large x). */
    static double logErfc(double x) {
        double y = Math.abs(x);
        if (y <= SMALL) {
            return Math.log1p(-erfSmall(x));
        }
        if (x > 0) {
            return -x * x + Math.log(scaledTail(y));
        }
        // erfc(x) = 2 − erfc(|x|), and erfc(|x|) ≤ erfc(0.46875) ≈ 0.51: no cancellation.
        return Math.log(2) + Math.log1p(-0.5 * expMinusSquare(y) * scaledTail(y));
    }

    /** erf(x) for |x| ≤ 0.46875. */
    private static double erfSmall(double x) {
        double ysq = x * x;
        double num = A[4] * ysq;
        double den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    /** exp(y²)·erfc(y) for y > 0.46875. */
    private static double scaledTail(double y) {
        if (y <= 4) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            return (num + C[7]) / (den + D[7]);
        }
        if (y >= HUGE) {
            return ONE_OVER_SQRT_PI / y;
        }
        double ysq = 1 / (y * y);
        double num = P[5] * ysq;
        double den = ysq;
        for (int i = 0; i < 4; i++) {
            num = (num + P[i]) * ysq;
            den = (den + Q[i]) * ysq;
        }
        double r = ysq * (num + P[4]) / (den + Q[4]);
        return (ONE_OVER_SQRT_PI - r) / y;
    }

    /**
     * exp(−y²) with y² split as Cody does into a part exact in 4 bits after the point and a small
     * rest, so that rounding y² does not cost relative accuracy in the result.
     */
    private static double expMinusSquare(double y) {
        double head = Math.floor(y * 16) / 16;
        double rest = (y - head) * (y + head);
        return Math.exp(-head * head) * Math.exp(-rest);
    }
}
