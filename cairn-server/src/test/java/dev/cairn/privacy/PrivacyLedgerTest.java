package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The accountant's figures: Opacus' reference, cross-checks derived independently, composition of
 * heterogeneous runs, its saved state, the edge cases where Opacus' own code loses accuracy, and refusals.
 */
class PrivacyLedgerTest {

    @Test
    void theReferenceFigureOfOpacus() {
        PrivacySpent spent = PrivacyLedger.of(new GaussianRun(1.5, 0.04, 2250)).spent(1e-5);
        assertThat(spent.epsilon()).isCloseTo(7.32911, within(7.32911 * 1e-3));
        assertThat(spent.epsilon()).as("to the digits Opacus prints").isCloseTo(7.32911, within(5e-6));
        assertThat(spent.order()).isEqualTo(3.9);
        assertThat(spent.delta()).isEqualTo(1e-5);
    }

    /**
     * ε from a Python transcription of Opacus' analysis/rdp.py (SciPy's binom and log_ndtr), run
     * beside this code: a different language and different special functions, the same mathematics.
     */
    @ParameterizedTest
    @CsvSource({
            "0.01, 1.0, 1000, 1e-5, 2.1013652716430564, 7.8",
            "0.1, 0.8, 100, 1e-6, 13.897411368665754, 2.5",
            "0.001, 4.0, 100000, 1e-5, 0.29665596224702134, 49",
            "0.5, 1.2, 50, 1e-5, 21.104983854432124, 2.2",
            "0.256, 1.1, 14100, 1e-5, 632.6643902691977, 1.1",
            "0.04, 0.3, 2250, 1e-5, 407.5361865266022, 1.1",
            "0.04, 1.5, 1000000, 1e-5, 581.5533973337168, 1.2",
            "0.01, 0.3, 100, 1e-5, 32.06155659609995, 1.5",
            "1e-6, 0.5, 1000, 1e-5, 1.386825122143404, 7.3",
            "1e-9, 1.5, 1000, 1e-5, 0.10286725121132609, 63",
    })
    void agreesWithOpacusComputedElsewhere(double q, double sigma, long steps, double delta, double epsilon, double order) {
        PrivacySpent spent = PrivacyLedger.of(new GaussianRun(sigma, q, steps)).spent(delta);
        assertThat(spent.epsilon()).isCloseTo(epsilon, within(epsilon * 1e-9));
        assertThat(spent.order()).isEqualTo(order);
    }

    /** With q = 1 every step is the Gaussian mechanism: RDP(α) = α / (2σ²) exactly. */
    @Test
    void fullBatchesAreTheGaussianMechanismInClosedForm() {
        double sigma = 2;
        int steps = 10;
        double delta = 1e-5;
        double[] orders = PrivacyLedger.orders();
        double[] rdp = PrivacyLedger.of(new GaussianRun(sigma, 1, steps)).rdp();
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < orders.length; k++) {
            double alpha = orders[k];
            assertThat(rdp[k]).isEqualTo(steps * alpha / (2 * sigma * sigma));
            best = Math.min(best, steps * alpha / (2 * sigma * sigma) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1)
                    + Math.log((alpha - 1) / alpha));
        }
        assertThat(PrivacyLedger.of(new GaussianRun(sigma, 1, steps)).spent(delta).epsilon()).isEqualTo(best);
    }

    /**
     * For an integer α, A_α = Σ C(α,i) q^i (1−q)^(α−i) e^((i²−i)/2σ²): at α = 2 that is
     * 1 + q²(e^(1/σ²) − 1), written out here by hand.
     */
    @Test
    void orderTwoMatchesItsClosedForm() {
        double q = 0.04;
        double sigma = 1.5;
        double expected = Math.log1p(q * q * Math.expm1(1 / (sigma * sigma)));
        assertThat(SampledGaussianRdp.rdp(q, sigma, 2)).isCloseTo(expected, within(expected * 1e-14));
    }

    @Test
    void theOrdersAreOpacusDefaults() {
        double[] orders = PrivacyLedger.orders();
        assertThat(orders).hasSize(151);
        assertThat(orders[0]).isEqualTo(1.1);
        assertThat(orders[98]).isEqualTo(10.9);
        assertThat(orders[99]).isEqualTo(12);
        assertThat(orders[150]).isEqualTo(63);
        assertThat(orders[9]).as("integers among the tenths are exact, so they take the binomial sum").isEqualTo(2.0);
    }

    @Test
    void heterogeneousRunsComposeByAddingTheirRdp() {
        GaussianRun first = new GaussianRun(1.5, 0.04, 1000);
        GaussianRun second = new GaussianRun(0.9, 0.01, 300);
        GaussianRun third = new GaussianRun(4.0, 1.0, 5);
        PrivacyLedger ledger = PrivacyLedger.empty().plus(first).plus(second).plus(third);
        double[] sum = new double[PrivacyLedger.orders().length];
        for (GaussianRun run : List.of(first, second, third)) {
            double[] rdp = PrivacyLedger.of(run).rdp();
            for (int k = 0; k < sum.length; k++) {
                sum[k] += rdp[k];
            }
        }
        assertThat(ledger.rdp()).containsExactly(sum);
        assertThat(ledger.spent(1e-5).epsilon()).isGreaterThan(PrivacyLedger.of(first).spent(1e-5).epsilon());

        PrivacyLedger split = PrivacyLedger.of(new GaussianRun(1.5, 0.04, 1000), new GaussianRun(1.5, 0.04, 1250));
        assertThat(split.spent(1e-5).epsilon()).as("two runs of one mechanism are one run of their steps")
                .isCloseTo(PrivacyLedger.of(new GaussianRun(1.5, 0.04, 2250)).spent(1e-5).epsilon(), within(1e-12));
    }

    @Test
    void theLedgerIsAValue() {
        PrivacyLedger empty = PrivacyLedger.empty();
        PrivacyLedger one = empty.plus(new GaussianRun(1, 0.1, 10));
        assertThat(empty.runs()).isEmpty();
        assertThat(one.runs()).hasSize(1);
        assertThatThrownBy(() -> one.runs().add(new GaussianRun(1, 0.1, 10))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nothingRunSpendsNothing() {
        assertThat(PrivacyLedger.empty().spent(1e-5).epsilon()).isZero();
        assertThat(PrivacyLedger.of(new GaussianRun(1, 0.5, 0)).spent(1e-5).epsilon()).isZero();
        assertThat(PrivacyLedger.empty().spent(1e-5).order()).isNaN();
    }

    @Test
    void restoredStateAnswersBitForBit() {
        PrivacyLedger ledger = PrivacyLedger.of(new GaussianRun(1.5, 0.04, 2250), new GaussianRun(0.7, 0.0123456789, 77),
                new GaussianRun(1.0 / 3, 1e-9, 1_000_000), new GaussianRun(2.5, 1, 1));
        String saved = ledger.toJson();
        PrivacyLedger restored = PrivacyLedger.fromJson(saved);

        assertThat(restored).isEqualTo(ledger);
        assertThat(restored.toJson()).isEqualTo(saved);
        assertThat(Arrays.equals(restored.rdp(), ledger.rdp())).isTrue();
        for (double delta : new double[] {1e-5, 1e-8, 0.1}) {
            assertThat(Double.doubleToRawLongBits(restored.spent(delta).epsilon()))
                    .isEqualTo(Double.doubleToRawLongBits(ledger.spent(delta).epsilon()));
        }
        assertThat(saved).startsWith("{\"format\":\"cairn.privacy.ledger/1\",\"runs\":[{\"noise_multiplier\":1.5,");
    }

    @Test
    void aDamagedStateIsRefusedNamingWhere() {
        assertRefused("{\"format\":\"cairn.privacy.ledger/1\",\"runs\":[{\"noise_multiplier\":1,\"sample_rate\":\"0.1\",\"steps\":1}]}",
                "runs[0].sample_rate");
        assertRefused("{\"format\":\"cairn.privacy.ledger/1\",\"runs\":[{\"noise_multiplier\":1,\"sample_rate\":0.1}]}",
                "runs[0].steps");
        assertRefused("{\"format\":\"other\",\"runs\":[]}", "format");
        assertRefused("{\"format\":\"cairn.privacy.ledger/1\",\"runs\":[],\"extra\":1}", "extra");
        assertRefused("{\"format\":\"cairn.privacy.ledger/1\",\"runs\":[{\"noise_multiplier\":0,\"sample_rate\":0.1,\"steps\":1}]}",
                "noise_multiplier");
        assertThatThrownBy(() -> PrivacyLedger.fromJson("{not json")).isInstanceOf(PrivacyException.class);
    }

    private static void assertRefused(String json, String param) {
        assertThatThrownBy(() -> PrivacyLedger.fromJson(json)).isInstanceOfSatisfying(PrivacyException.class,
                e -> assertThat(e.error().param()).isEqualTo(param));
    }

    /**
     * Where Opacus' series loses its digits or runs long: a tiny q (its log A is 1 + 1e-20 rounded), σ
     * below 0.5, a million steps. Every order's RDP is finite and non-negative, and ε with it.
     */
    @ParameterizedTest
    @CsvSource({
            "1e-9, 1.5, 1000000", "0.04, 0.3, 1000000", "1e-9, 0.3, 1000000", "0.5, 0.1, 1000000",
            "1e-9, 0.05, 1000000", "0.999, 0.3, 1000000", "1e-12, 50, 1000000", "0.04, 1.5, 1000000",
    })
    void edgeCasesStayFiniteAndNonNegative(double q, double sigma, long steps) {
        PrivacyLedger ledger = PrivacyLedger.of(new GaussianRun(sigma, q, steps));
        assertThat(Arrays.stream(ledger.rdp()).boxed().toList()).allSatisfy(rdp -> assertThat(rdp).isFinite().isGreaterThanOrEqualTo(0.0));
        PrivacySpent spent = ledger.spent(1e-5);
        assertThat(spent.epsilon()).isFinite().isGreaterThanOrEqualTo(0);
        assertThat(spent.order()).isBetween(1.1, 63.0);
    }

    /**
     * Where the series cannot resolve A_α − 1, the chord between the integer orders stands in; by
     * the convexity of log A_α it is never below the true value (here from 40-digit quadrature).
     */
    @ParameterizedTest
    @CsvSource({
            "1e-9, 1.0, 1.1, 9.450550033539119e-20", "1e-9, 1.0, 3.9, 9.716883789828673e-18",
            "1e-4, 1.5, 1.5, 2.098518452047664e-09", "0.04, 100, 2.5, 3.0001555257348394e-07",
    })
    void theFallbackBoundsFromAbove(double q, double sigma, double alpha, double trueLogA) {
        double logA = SampledGaussianRdp.logA(q, sigma, alpha);
        assertThat(logA).isGreaterThanOrEqualTo(trueLogA).isLessThan(2 * trueLogA);
    }

    /** Where the series is used it matches 40-digit quadrature of A_α's defining integral. */
    @ParameterizedTest
    @CsvSource({
            "0.256, 1.1, 1.1, 0.003694227891340363666", "0.04, 1.5, 1.1, 4.816567400342997e-05",
            "0.04, 0.3, 1.1, 0.013144796842210864", "0.5, 10.0, 1.1, 0.0001377060014973603",
            "0.04, 0.8, 3.9, 0.0744800248117424", "1e-9, 0.05, 10.9, 21356.11640237728",
    })
    void theSeriesMatchesQuadrature(double q, double sigma, double alpha, double trueLogA) {
        assertThat(SampledGaussianRdp.logAFractional(q, sigma, alpha)).isCloseTo(trueLogA, within(trueLogA * 1e-8));
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertField(() -> new GaussianRun(0, 0.1, 1), "noise_multiplier");
        assertField(() -> new GaussianRun(-1, 0.1, 1), "noise_multiplier");
        assertField(() -> new GaussianRun(Double.NaN, 0.1, 1), "noise_multiplier");
        assertField(() -> new GaussianRun(Double.POSITIVE_INFINITY, 0.1, 1), "noise_multiplier");
        assertField(() -> new GaussianRun(1, 0, 1), "sample_rate");
        assertField(() -> new GaussianRun(1, 1.0000001, 1), "sample_rate");
        assertField(() -> new GaussianRun(1, Double.NaN, 1), "sample_rate");
        assertField(() -> new GaussianRun(1, 0.1, -1), "steps");
        PrivacyLedger ledger = PrivacyLedger.of(new GaussianRun(1, 0.1, 1));
        assertField(() -> ledger.spent(0), "delta");
        assertField(() -> ledger.spent(1), "delta");
        assertField(() -> ledger.spent(Double.NaN), "delta");
    }

    private static void assertField(Runnable call, String param) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(PrivacyException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().param()).isEqualTo(param);
        });
    }
}
