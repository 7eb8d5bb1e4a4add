package dev.cairn.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import dev.cairn.platform.embedding.LocalEmbedder;
import dev.cairn.privacy.GaussianRun;
import dev.cairn.privacy.NoiseCalibration;
import dev.cairn.privacy.PrivacyLedger;
import dev.cairn.rewards.DpSgd;
import dev.cairn.rewards.PairText;
import dev.cairn.rewards.PreferencePair;
import dev.cairn.rewards.RewardFeatures;
import dev.cairn.rewards.TrainingSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reward models on Anthropic's HH-RLHF harmless-base test pairs (issue 29, point 6): held-out pairwise
 * accuracy without privacy and with DP-SGD at a target ε, training time, examples per second and
 * DP-SGD's cost over plain SGD. The pairs are split 80/20 by a hash of the prompt (Cairn's own
 * validation split, {@link PairText#heldOut}); hyperparameters are chosen on a second hash split
 * inside the 80 %, never on the 20 %, which is read once per reported model.
 *
 * <p>Usage: {@code RewardBench PAIRS.jsonl.gz [EPSILON] [DELTA]}
 */
public final class RewardBench {

    private static final long SEED = 20261207;

    private record Split(List<PreferencePair> train, List<PreferencePair> test) {
    }

    private record Candidate(int steps, double learningRate, double sampleRate, double clipNorm) {
    }

    private record Chosen(TrainingSettings settings, double innerAccuracy) {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        double epsilon = args.length > 1 ? Double.parseDouble(args[1]) : 8;
        double delta = args.length > 2 ? Double.parseDouble(args[2]) : 1e-5;
        List<PreferencePair> pairs = read(data);
        Split split = split(pairs, "");
        System.out.printf(Locale.ROOT, "pairs %d: train %d, test %d%n", pairs.size(), split.train().size(), split.test().size());

        Path scratch = Files.createTempDirectory("cairn-reward-bench");
        RewardFeatures features = new RewardFeatures(new LocalEmbedder(scratch, Runtime.getRuntime().availableProcessors()));
        long embedStart = System.nanoTime();
        List<double[]> train = features.differences(split.train());
        List<double[]> test = features.differences(split.test());
        double embedSeconds = (System.nanoTime() - embedStart) / 1e9;
        Files.deleteIfExists(scratch);
        System.out.printf(Locale.ROOT, "embedding: %.1f s for %d pairs (%.1f pairs/s)%n", embedSeconds, pairs.size(),
                pairs.size() / embedSeconds);

        // The inner split: train on 80 % of the training pairs, choose on the other 20 %.
        List<double[]> innerTrain = new ArrayList<>();
        List<double[]> innerValidation = new ArrayList<>();
        for (int i = 0; i < split.train().size(); i++) {
            (PairText.heldOut("inner:" + split.train().get(i).prompt(), 0.2) ? innerValidation : innerTrain).add(train.get(i));
        }
        List<Candidate> grid = new ArrayList<>();
        for (int steps : new int[] {300, 1000}) {
            for (double lr : new double[] {0.003, 0.01, 0.03}) {
                for (double clip : new double[] {0.1, 0.5, 1.0}) {
                    grid.add(new Candidate(steps, lr, 0.05, clip));
                }
            }
        }
        // Without privacy nothing is clipped: one clip norm of the grid is enough.
        Chosen plain = choose(grid.stream().filter(c -> c.clipNorm() == 1.0).toList(), innerTrain, innerValidation, 0, delta);
        Chosen dp = choose(grid, innerTrain, innerValidation, epsilon, delta);

        report("plain", plain, train, test, 0, delta);
        TrainingSettings dpSettings = report("dp", dp, train, test, epsilon, delta);

        // DP-SGD's cost: the same steps and sample rate with and without clipping and noise, alternated.
        TrainingSettings withNoise = dpSettings;
        TrainingSettings without = new TrainingSettings(withNoise.steps(), withNoise.learningRate(), withNoise.sampleRate(),
                withNoise.clipNorm(), 0, withNoise.weightDecay(), SEED);
        double plainTotal = 0;
        double dpTotal = 0;
        for (int round = 0; round < 5; round++) {
            plainTotal += seconds(train, without);
            dpTotal += seconds(train, withNoise);
        }
        System.out.printf(Locale.ROOT, "cost: %d steps at q=%.3f: plain %.3f s, dp-sgd %.3f s (5 alternating rounds), ratio %.2f%n",
                withNoise.steps(), withNoise.sampleRate(), plainTotal / 5, dpTotal / 5, dpTotal / plainTotal);
    }

    private static Chosen choose(List<Candidate> grid, List<double[]> train, List<double[]> validation, double epsilon,
                                 double delta) {
        Chosen best = null;
        for (Candidate candidate : grid) {
            TrainingSettings settings = settings(candidate, epsilon, delta, train.size());
            double accuracy = DpSgd.accuracy(train(train, settings).weights(), validation);
            if (best == null || accuracy > best.innerAccuracy()) {
                best = new Chosen(settings, accuracy);
            }
        }
        return best;
    }

    private static TrainingSettings settings(Candidate candidate, double epsilon, double delta, int size) {
        // The sample rate is per pair: keep the expected batch near 80 pairs whatever the set's size.
        double q = Math.min(1, 80.0 / size);
        double sigma = epsilon > 0 ? NoiseCalibration.smallestNoiseMultiplier(q, candidate.steps(), delta, epsilon) : 0;
        return new TrainingSettings(candidate.steps(), candidate.learningRate(), q, candidate.clipNorm(), sigma, 0.001, SEED);
    }

    /** Retrains the chosen candidate on all the training pairs, σ calibrated anew for their size, and reads the test set once. */
    private static TrainingSettings report(String name, Chosen chosen, List<double[]> train, List<double[]> test,
                                           double epsilon, double delta) {
        TrainingSettings inner = chosen.settings();
        TrainingSettings settings = settings(new Candidate(inner.steps(), inner.learningRate(), inner.sampleRate(),
                inner.clipNorm()), epsilon, delta, train.size());
        long start = System.nanoTime();
        DpSgd.State state = train(train, settings);
        double seconds = (System.nanoTime() - start) / 1e9;
        double examples = settings.sampleRate() * train.size() * settings.steps();
        String privacy = settings.isPrivate() ? String.format(Locale.ROOT, "sigma=%.4f epsilon=%.3f delta=%.0e",
                settings.noiseMultiplier(), PrivacyLedger.of(new GaussianRun(settings.noiseMultiplier(), settings.sampleRate(),
                        settings.steps())).spent(delta).epsilon(), delta) : "no privacy";
        System.out.printf(Locale.ROOT, "%s: steps=%d lr=%.3f q=%.4f clip=%.2f %s | inner validation %.4f | held-out accuracy %.4f "
                        + "(%d pairs) | train %.3f s, %.0f examples/s%n", name, settings.steps(), settings.learningRate(),
                settings.sampleRate(), settings.clipNorm(), privacy, chosen.innerAccuracy(), DpSgd.accuracy(state.weights(), test),
                test.size(), seconds, examples / seconds);
        return settings;
    }

    private static double seconds(List<double[]> train, TrainingSettings settings) {
        long start = System.nanoTime();
        train(train, settings);
        return (System.nanoTime() - start) / 1e9;
    }

    private static DpSgd.State train(List<double[]> pairs, TrainingSettings settings) {
        DpSgd sgd = new DpSgd(pairs, settings);
        DpSgd.State state = DpSgd.State.start(pairs.getFirst().length);
        while (state.step() < settings.steps()) {
            state = sgd.step(state);
        }
        return state;
    }

    private static Split split(List<PreferencePair> pairs, String salt) {
        List<PreferencePair> train = new ArrayList<>();
        List<PreferencePair> test = new ArrayList<>();
        for (PreferencePair pair : pairs) {
            (PairText.heldOut(salt + pair.prompt(), 0.2) ? test : train).add(pair);
        }
        return new Split(train, test);
    }

    /** HH-RLHF rows are two transcripts sharing all but the last assistant turn: that turn is the answer. */
    private static List<PreferencePair> read(Path data) throws Exception {
        List<PreferencePair> pairs = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(data)),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode row = json.readTree(line);
                String chosen = row.path("chosen").asString();
                String rejected = row.path("rejected").asString();
                int chosenAt = chosen.lastIndexOf("\n\nAssistant:");
                int rejectedAt = rejected.lastIndexOf("\n\nAssistant:");
                pairs.add(new PreferencePair(chosen.substring(0, chosenAt).strip(),
                        chosen.substring(chosenAt + "\n\nAssistant:".length()).strip(),
                        rejected.substring(rejectedAt + "\n\nAssistant:".length()).strip()));
            }
        }
        return pairs;
    }
}
