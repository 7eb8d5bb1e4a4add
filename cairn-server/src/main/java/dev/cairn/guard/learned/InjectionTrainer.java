package dev.cairn.guard.learned;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Trains the {@link InjectionModel}: logistic regression with L2 regularisation by AdaGrad, both
 * classes weighted equally, a fixed seed and a fixed number of passes, on the examples outside the
 * held-out split ({@link Corpus#heldOut}); then the calibration, a logistic fit of the held-out
 * examples' labels on their margins (Platt scaling). The same corpus always gives the same model:
 * a test retrains and compares with the shipped file.
 *
 * <p>The features and settings were chosen on the held-out split and by leaving each attack source
 * out of training in turn ({@code bench/guard-heldout.sh}; what was tried is in
 * training/guard-train/README.md). {@code bench/train-guard.sh} runs {@link #main} and writes the resource.
 */
public final class InjectionTrainer {

    static final int EPOCHS = 10;
    static final double RATE = 0.5;
    static final double L2 = 1e-4;
    private static final long SEED = 20261207L;
    private static final int CALIBRATION_STEPS = 50;

    private InjectionTrainer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: InjectionTrainer <public corpus dir> <template dir> <model file>");
            System.exit(2);
        }
        List<Corpus.Example> examples = Corpus.load(Path.of(args[0]), Path.of(args[1]));
        InjectionModel model = train(examples);
        try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
            model.write(out);
        }
        long injections = examples.stream().filter(Corpus.Example::injection).count();
        long heldOut = examples.stream().filter(e -> Corpus.heldOut(e.text())).count();
        System.err.printf("trained on %d examples (%d attacks, %d benign), %d of them held out for calibration; "
                + "calibration: scale %.4f, shift %.4f -> %s%n", examples.size() - heldOut, injections,
                examples.size() - injections, heldOut, model.scale(), model.shift(), args[2]);
    }

    /** The shipped model: trained on the examples outside the held-out split, calibrated on the others. */
    public static InjectionModel train(List<Corpus.Example> examples) {
        List<Corpus.Example> training = new ArrayList<>();
        List<Corpus.Example> heldOut = new ArrayList<>();
        examples.forEach(e -> (Corpus.heldOut(e.text()) ? heldOut : training).add(e));
        return calibrate(fit(training, EPOCHS, L2), heldOut);
    }

    /** The regression alone, uncalibrated (scale 1, shift 0): for measuring settings on held-out data. */
    public static InjectionModel fit(List<Corpus.Example> examples, int epochs, double l2) {
        List<TextFeatures> features = new ArrayList<>(examples.size());
        examples.forEach(e -> features.add(TextFeatures.of(e.text())));
        long positives = examples.stream().filter(Corpus.Example::injection).count();
        double positiveWeight = examples.size() / (2.0 * Math.max(1, positives));
        double negativeWeight = examples.size() / (2.0 * Math.max(1, examples.size() - positives));

        float[] weights = new float[TextFeatures.DIMENSIONS];
        double[] squares = new double[TextFeatures.DIMENSIONS];
        double bias = 0;
        double biasSquares = 0;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Random random = new Random(SEED);
        for (int epoch = 0; epoch < epochs; epoch++) {
            Collections.shuffle(order, random);
            for (int i : order) {
                TextFeatures x = features.get(i);
                boolean label = examples.get(i).injection();
                double p = 1 / (1 + Math.exp(-(bias + x.value() * sum(weights, x))));
                double error = (p - (label ? 1 : 0)) * (label ? positiveWeight : negativeWeight);
                for (int slot : x.slots()) {
                    double g = error * x.value() + l2 * weights[slot];
                    squares[slot] += g * g;
                    weights[slot] -= (float) (RATE * g / Math.sqrt(squares[slot] + 1e-8));
                }
                biasSquares += error * error;
                bias -= RATE * error / Math.sqrt(biasSquares + 1e-8);
            }
        }
        return new InjectionModel(weights, (float) bias, 1, 0);
    }

    /**
     * {@code model} with the calibration fitted on {@code heldOut}: the scale and shift of its margin
     * that maximise the likelihood of their labels, by Newton's method from (1, 0). Unweighted, so
     * a probability is a share of attacks among texts as the corpus mixes them.
     */
    public static InjectionModel calibrate(InjectionModel model, List<Corpus.Example> heldOut) {
        double[] margins = new double[heldOut.size()];
        for (int i = 0; i < margins.length; i++) {
            margins[i] = model.margin(TextFeatures.of(heldOut.get(i).text()));
        }
        double a = 1;
        double b = 0;
        for (int step = 0; step < CALIBRATION_STEPS; step++) {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (int i = 0; i < margins.length; i++) {
                double p = 1 / (1 + Math.exp(-(a * margins[i] + b)));
                double error = p - (heldOut.get(i).injection() ? 1 : 0);
                double curvature = Math.max(p * (1 - p), 1e-12);
                ga += error * margins[i];
                gb += error;
                haa += curvature * margins[i] * margins[i];
                hab += curvature * margins[i];
                hbb += curvature;
            }
            double det = haa * hbb - hab * hab;
            if (det <= 0) {
                break;
            }
            a -= (hbb * ga - hab * gb) / det;
            b -= (haa * gb - hab * ga) / det;
        }
        return new InjectionModel(model.weights(), model.bias(), (float) a, (float) b);
    }

    private static double sum(float[] weights, TextFeatures x) {
        double sum = 0;
        for (int slot : x.slots()) {
            sum += weights[slot];
        }
        return sum;
    }
}
