package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties ε must have whatever the parameters, over random draws (seeded, so a failure replays):
 * more steps or a higher sample rate never spend less, more noise never spends more.
 */
class PrivacyPropertiesTest {

    private static final double DELTA = 1e-5;

    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    private record Draw(double sigma, double q, long steps) {

        static Draw from(SplittableRandom random) {
            double sigma = Math.exp(random.nextDouble(Math.log(0.3), Math.log(20)));
            double q = Math.exp(random.nextDouble(Math.log(1e-6), 0));
            long steps = (long) Math.exp(random.nextDouble(0, Math.log(1_000_000)));
            return new Draw(sigma, q, Math.max(1, steps));
        }

        double epsilon(double sigma, double q, long steps) {
            return PrivacyLedger.of(new GaussianRun(sigma, q, steps)).spent(DELTA).epsilon();
        }
    }

    /** Allows for rounding only: a billionth of ε, as the series is accurate to about that. */
    private static double slack(double epsilon) {
        return 1e-9 * Math.max(1, epsilon);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void epsilonGrowsWithSteps(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Draw draw = Draw.from(random);
        long more = draw.steps() + 1 + random.nextLong(draw.steps() * 3 + 1);
        double fewer = draw.epsilon(draw.sigma(), draw.q(), draw.steps());
        assertThat(draw.epsilon(draw.sigma(), draw.q(), more)).as("%s, %d steps", draw, more)
                .isGreaterThanOrEqualTo(fewer - slack(fewer));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void epsilonGrowsWithTheSampleRate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Draw draw = Draw.from(random);
        double higher = draw.q() + (1 - draw.q()) * random.nextDouble();
        double lower = draw.epsilon(draw.sigma(), draw.q(), draw.steps());
        assertThat(draw.epsilon(draw.sigma(), higher, draw.steps())).as("%s, q = %s", draw, higher)
                .isGreaterThanOrEqualTo(lower - slack(lower));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void epsilonFallsWithNoise(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Draw draw = Draw.from(random);
        double noisier = draw.sigma() * (1 + 3 * random.nextDouble());
        double less = draw.epsilon(draw.sigma(), draw.q(), draw.steps());
        assertThat(draw.epsilon(noisier, draw.q(), draw.steps())).as("%s, σ = %s", draw, noisier)
                .isLessThanOrEqualTo(less + slack(less));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void epsilonFallsAsDeltaGrows(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Draw draw = Draw.from(random);
        PrivacyLedger ledger = PrivacyLedger.of(new GaussianRun(draw.sigma(), draw.q(), draw.steps()));
        assertThat(ledger.spent(1e-3).epsilon()).isLessThanOrEqualTo(ledger.spent(1e-7).epsilon());
    }
}
