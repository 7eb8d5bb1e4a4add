package dev.cairn.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The trainer on planted data: it learns, repeats itself for a seed, resumes exactly, and noise costs accuracy. */
class DpSgdTest {

    private static final int DIMENSIONS = 16;

    /** Pairs whose chosen side is better along a planted direction, with noise: the best accuracy is about 0.9. */
    private static List<double[]> planted(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] direction = new double[DIMENSIONS];
        direction[0] = 1;
        direction[3] = -0.5;
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] d = new double[DIMENSIONS];
            for (int j = 0; j < DIMENSIONS; j++) {
                d[j] = random.nextGaussian() * 0.3;
            }
            double margin = DpSgd.dot(direction, d) + random.nextGaussian() * 0.1;
            if (margin < 0) {
                for (int j = 0; j < DIMENSIONS; j++) {
                    d[j] = -d[j];
                }
            }
            pairs.add(d);
        }
        return pairs;
    }

    private static DpSgd.State train(List<double[]> pairs, TrainingSettings settings, DpSgd.State from) {
        DpSgd sgd = new DpSgd(pairs, settings);
        DpSgd.State state = from;
        while (state.step() < settings.steps()) {
            state = sgd.step(state);
        }
        return state;
    }

    private static TrainingSettings settings(int steps, double sigma, long seed) {
        return new TrainingSettings(steps, 0.05, 0.2, 1.0, sigma, 0.0, seed);
    }

    @Test
    void learnsAPlantedPreferenceWithAndWithoutPrivacy() {
        List<double[]> train = planted(2000, 1);
        List<double[]> test = planted(1000, 2);
        DpSgd.State plain = train(train, settings(200, 0, 7), DpSgd.State.start(DIMENSIONS));
        DpSgd.State noisy = train(train, settings(200, 1.0, 7), DpSgd.State.start(DIMENSIONS));
        assertThat(DpSgd.accuracy(plain.weights(), test)).isGreaterThan(0.85);
        assertThat(DpSgd.accuracy(noisy.weights(), test)).isGreaterThan(0.8);
        assertThat(DpSgd.loss(plain.weights(), test)).isLessThan(Math.log(2));
    }

    @Test
    void overwhelmingNoiseLeavesNothingLearned() {
        List<double[]> train = planted(500, 3);
        List<double[]> test = planted(1000, 4);
        DpSgd.State drowned = train(train, new TrainingSettings(50, 0.05, 0.2, 0.01, 1000, 0.0, 7), DpSgd.State.start(DIMENSIONS));
        assertThat(DpSgd.accuracy(drowned.weights(), test)).isBetween(0.3, 0.7);
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        List<double[]> train = planted(300, 5);
        DpSgd.State first = train(train, settings(60, 1.0, 11), DpSgd.State.start(DIMENSIONS));
        DpSgd.State again = train(train, settings(60, 1.0, 11), DpSgd.State.start(DIMENSIONS));
        DpSgd.State other = train(train, settings(60, 1.0, 12), DpSgd.State.start(DIMENSIONS));
        assertThat(again.weights()).containsExactly(first.weights());
        assertThat(other.weights()).isNotEqualTo(first.weights());
    }

    @Test
    void aRunResumedFromACheckpointEndsExactlyWhereAnUninterruptedOneDoes() {
        List<double[]> train = planted(300, 6);
        TrainingSettings settings = settings(80, 1.0, 13);
        DpSgd.State straight = train(train, settings, DpSgd.State.start(DIMENSIONS));
        DpSgd.State half = train(train, settings(35, 1.0, 13), DpSgd.State.start(DIMENSIONS));
        DpSgd.State restored = DpSgd.State.read(half.bytes());
        assertThat(restored.step()).isEqualTo(35);
        DpSgd.State resumed = train(train, settings, restored);
        assertThat(resumed.weights()).containsExactly(straight.weights());
        assertThat(resumed.secondMoment()).containsExactly(straight.secondMoment());
    }

    @Test
    void clippingBoundsEachPairsInfluence() {
        // One huge pair among small ones: clipped (with negligible noise) it moves the gradient no more than any other.
        List<double[]> train = new ArrayList<>(planted(200, 8));
        double[] outlier = new double[DIMENSIONS];
        outlier[5] = 1e6;
        train.add(outlier);
        DpSgd.State clipped = new DpSgd(train, new TrainingSettings(1, 1.0, 1.0, 1.0, 1e-12, 0.0, 1))
                .step(DpSgd.State.start(DIMENSIONS));
        DpSgd.State plain = new DpSgd(train, new TrainingSettings(1, 1.0, 1.0, 1.0, 0, 0.0, 1))
                .step(DpSgd.State.start(DIMENSIONS));
        // Adam's first moment after one step is 0.1 · gradient; clipped, each of the 201 pairs adds at most
        // norm 1 and the sum is divided by q·N = 201.
        assertThat(Math.abs(clipped.firstMoment()[5])).isLessThanOrEqualTo(0.1 + 1e-9);
        assertThat(Math.abs(plain.firstMoment()[5])).isGreaterThan(100);
    }
}
