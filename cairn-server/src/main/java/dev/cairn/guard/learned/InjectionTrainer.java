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
 * Trains the {@link InjectionModel} from the corpus: logistic regression with L2 regularisation by
 * AdaGrad, both classes weighted equally, a fixed seed and a fixed number of passes, so the same
 * corpus always gives the same weights (a test retrains and compares with the shipped file).
 *
 * <pre>bench/train-guard.sh</pre> runs {@link #main} and writes the resource.
 */
public final class InjectionTrainer {

    static final int EPOCHS = 30;
    static final double RATE = 0.5;
    static final double L2 = 1e-4;
    private static final long SEED = 20261122L;

    private InjectionTrainer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: InjectionTrainer <corpus dir> <model file>");
            System.exit(2);
        }
        List<Corpus.Example> examples = Corpus.load(Path.of(args[0]));
        InjectionModel model = train(examples);
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            model.write(out);
        }
        long injections = examples.stream().filter(Corpus.Example::injection).count();
        System.err.printf("trained on %d examples (%d injections, %d benign) -> %s%n",
                examples.size(), injections, examples.size() - injections, args[1]);
    }

    public static InjectionModel train(List<Corpus.Example> examples) {
        return train(examples, EPOCHS, L2);
    }

    static InjectionModel train(List<Corpus.Example> examples, int epochs, double l2) {
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
        return new InjectionModel(weights, (float) bias);
    }

    private static double sum(float[] weights, TextFeatures x) {
        double sum = 0;
        for (int slot : x.slots()) {
            sum += weights[slot];
        }
        return sum;
    }
}
