package dev.cairn.rewards;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Trains a linear Bradley-Terry reward head, w · x, on preference pairs given as feature differences
 * d = x_chosen − x_rejected, minimising −log sigmoid(w · d) with Adam; with a noise multiplier, as
 * DP-SGD (Abadi et al. 2016): per-pair gradients clipped, Gaussian noise on their sum, Poisson
 * sampling, so that the accountant's sampled Gaussian mechanism describes every step exactly.
 *
 * <p>Each step's randomness (which pairs it samples, its noise) comes from the run's {@link StepRandom}
 * source and the step's number alone, so a run resumed from any saved {@link State} continues exactly
 * as it would have.
 * Adam is post-processing of the noisy gradients and costs no privacy.
 */
public final class DpSgd {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    /** Where a run is: steps taken, the head's weights and Adam's moments; all a resume needs. */
    public record State(int step, double[] weights, double[] firstMoment, double[] secondMoment) {

        public static State start(int dimensions) {
            return new State(0, new double[dimensions], new double[dimensions], new double[dimensions]);
        }

        /** The state as a checkpoint: step, size, then weights and both moments as IEEE doubles. */
        byte[] bytes() {
            ByteBuffer buffer = ByteBuffer.allocate(8 + 24 * weights.length);
            buffer.putInt(step).putInt(weights.length);
            for (double[] vector : List.of(weights, firstMoment, secondMoment)) {
                for (double value : vector) {
                    buffer.putDouble(value);
                }
            }
            return buffer.array();
        }

        static State read(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int step = buffer.getInt();
            int size = buffer.getInt();
            double[][] vectors = new double[3][size];
            for (double[] vector : vectors) {
                for (int i = 0; i < size; i++) {
                    vector[i] = buffer.getDouble();
                }
            }
            return new State(step, vectors[0], vectors[1], vectors[2]);
        }
    }

    private final List<double[]> differences;
    private final double[] norms;
    private final TrainingSettings settings;
    private final StepRandom.Source randomness;

    /** Randomness from {@code settings.seed()}: repeatable, for runs without privacy and for benchmarks. */
    public DpSgd(List<double[]> differences, TrainingSettings settings) {
        this(differences, settings, StepRandom.seeded(settings.seed()));
    }

    /** Randomness from a 32-byte secret, as a private run draws it (see {@link StepRandom}). */
    public static DpSgd withSecret(List<double[]> differences, TrainingSettings settings, byte[] secret) {
        return new DpSgd(differences, settings, StepRandom.secret(secret));
    }

    DpSgd(List<double[]> differences, TrainingSettings settings, StepRandom.Source randomness) {
        this.differences = differences;
        this.settings = settings;
        this.randomness = randomness;
        this.norms = new double[differences.size()];
        for (int i = 0; i < norms.length; i++) {
            norms[i] = Math.sqrt(dot(differences.get(i), differences.get(i)));
        }
    }

    /** The state after one more step; {@code state} is left as it was. */
    public State step(State state) {
        int dimensions = state.weights().length;
        double[] weights = state.weights();
        StepRandom random = randomness.at(state.step());
        double[] sum = new double[dimensions];
        int sampled = 0;
        for (int i = 0; i < differences.size(); i++) {
            if (random.nextDouble() >= settings.sampleRate()) {
                continue;
            }
            sampled++;
            double[] d = differences.get(i);
            // d/dw of −log sigmoid(w·d) is −sigmoid(−w·d) · d; its norm is sigmoid(−w·d) · |d|.
            double scale = -sigmoid(-dot(weights, d));
            if (settings.isPrivate()) {
                double norm = Math.abs(scale) * norms[i];
                if (norm > settings.clipNorm()) {
                    scale *= settings.clipNorm() / norm;
                }
            }
            for (int j = 0; j < dimensions; j++) {
                sum[j] += scale * d[j];
            }
        }
        double divisor;
        if (settings.isPrivate()) {
            double deviation = settings.noiseMultiplier() * settings.clipNorm();
            for (int j = 0; j < dimensions; j++) {
                sum[j] += deviation * random.nextGaussian();
            }
            // The expected sample size, not the drawn one: the drawn size is itself private.
            divisor = settings.sampleRate() * differences.size();
        } else {
            divisor = Math.max(1, sampled);
        }
        int t = state.step() + 1;
        double[] next = new double[dimensions];
        double[] m = new double[dimensions];
        double[] v = new double[dimensions];
        double correction1 = 1 - Math.pow(BETA1, t);
        double correction2 = 1 - Math.pow(BETA2, t);
        for (int j = 0; j < dimensions; j++) {
            double gradient = sum[j] / divisor + settings.weightDecay() * weights[j];
            m[j] = BETA1 * state.firstMoment()[j] + (1 - BETA1) * gradient;
            v[j] = BETA2 * state.secondMoment()[j] + (1 - BETA2) * gradient * gradient;
            next[j] = weights[j] - settings.learningRate() * (m[j] / correction1) / (Math.sqrt(v[j] / correction2) + EPSILON);
        }
        return new State(t, next, m, v);
    }

    /** The share of pairs whose chosen answer the head scores higher; a tie counts half. */
    public static double accuracy(double[] weights, List<double[]> differences) {
        if (differences.isEmpty()) {
            return Double.NaN;
        }
        double right = 0;
        for (double[] d : differences) {
            double margin = dot(weights, d);
            right += margin > 0 ? 1 : margin == 0 ? 0.5 : 0;
        }
        return right / differences.size();
    }

    /** The mean Bradley-Terry loss, −log sigmoid(w · d), computed stably. */
    public static double loss(double[] weights, List<double[]> differences) {
        double total = 0;
        for (double[] d : differences) {
            double z = dot(weights, d);
            total += z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
        }
        return differences.isEmpty() ? Double.NaN : total / differences.size();
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
