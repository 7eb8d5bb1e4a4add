package dev.cairn.guard.learned;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.cairn.platform.embedding.LocalEmbedder;

/**
 * Trains the {@link SemanticModel}: logistic regression on the corpus's sentence embeddings, both
 * classes weighted equally, L2 regularised, full-batch Adam for a fixed number of steps from zero
 * weights. No shuffling and no seed: the same vectors always give the same weights. The settings
 * (L2, steps) were chosen on templates held out of training ({@code bench/guard-heldout.sh}).
 *
 * <pre>bench/train-guard.sh</pre> runs {@link #main} and writes the resource.
 */
public final class SemanticTrainer {

    static final int STEPS = 400;
    static final double L2 = 1e-3;
    private static final double RATE = 0.05;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;

    private SemanticTrainer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SemanticTrainer <corpus dir> <model file>");
            System.exit(2);
        }
        List<Corpus.Example> examples = Corpus.load(Path.of(args[0]));
        Path scratch = Files.createTempDirectory("cairn-semantic-");
        List<float[]> vectors = embed(new LocalEmbedder(scratch, Runtime.getRuntime().availableProcessors()), examples);
        SemanticModel model = train(examples, vectors);
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            model.write(out);
        }
        Files.deleteIfExists(scratch);
        System.err.printf("trained on %d embedded examples -> %s%n", examples.size(), args[1]);
    }

    /** The examples' embeddings, of the text {@link SemanticStage} would embed. */
    public static List<float[]> embed(LocalEmbedder embedder, List<Corpus.Example> examples) {
        return embedder.embed(examples.stream().map(e -> SemanticStage.clip(e.text())).toList());
    }

    public static SemanticModel train(List<Corpus.Example> examples, List<float[]> vectors) {
        int n = examples.size();
        int d = SemanticModel.DIMENSIONS;
        long positives = examples.stream().filter(Corpus.Example::injection).count();
        double positiveWeight = n / (2.0 * Math.max(1, positives));
        double negativeWeight = n / (2.0 * Math.max(1, n - positives));
        double[] w = new double[d + 1]; // the last is the bias
        double[] m = new double[d + 1];
        double[] v = new double[d + 1];
        double[] gradient = new double[d + 1];
        for (int step = 1; step <= STEPS; step++) {
            Arrays.fill(gradient, 0);
            for (int i = 0; i < n; i++) {
                float[] x = vectors.get(i);
                double margin = w[d];
                for (int j = 0; j < d; j++) {
                    margin += w[j] * x[j];
                }
                boolean label = examples.get(i).injection();
                double error = (1 / (1 + Math.exp(-margin)) - (label ? 1 : 0)) * (label ? positiveWeight : negativeWeight);
                for (int j = 0; j < d; j++) {
                    gradient[j] += error * x[j];
                }
                gradient[d] += error;
            }
            double correction1 = 1 - Math.pow(BETA1, step);
            double correction2 = 1 - Math.pow(BETA2, step);
            for (int j = 0; j <= d; j++) {
                double g = gradient[j] / n + (j < d ? L2 * w[j] : 0);
                m[j] = BETA1 * m[j] + (1 - BETA1) * g;
                v[j] = BETA2 * v[j] + (1 - BETA2) * g * g;
                w[j] -= RATE * (m[j] / correction1) / (Math.sqrt(v[j] / correction2) + 1e-8);
            }
        }
        float[] weights = new float[d];
        for (int j = 0; j < d; j++) {
            weights[j] = (float) w[j];
        }
        return new SemanticModel(weights, (float) w[d]);
    }
}
