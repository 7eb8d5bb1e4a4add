package dev.cairn.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.cairn.guard.Finding;
import dev.cairn.guard.InjectionScanner;
import dev.cairn.guard.Scanner;
import dev.cairn.guard.learned.Corpus;
import dev.cairn.guard.learned.InjectionModel;
import dev.cairn.guard.learned.InjectionTrainer;

/**
 * The learned injection scorer measured on its own corpus, never on the evaluation files: where its
 * settings, its calibration and the default threshold are chosen. Three measures, all with the
 * rules, as Cairn ships them:
 *
 * <ul>
 *   <li>the held-out split ({@link Corpus#heldOut}, one text in five, never trained on): detection
 *       against false positives at each threshold, for the rules, the model and both;</li>
 *   <li>calibration on that split: for each band of scores, the share of attacks, for the model's
 *       probability and for each rule's fixed score, so that a score means the same for both;</li>
 *   <li>leave one source out: for each source with attacks (each public repository, and Cairn's
 *       templates as one), a model trained and calibrated without any of its rows scores all of
 *       them: what generalises to attacks of a kind never seen.</li>
 * </ul>
 *
 * Usage: {@code GuardHeldOut <public corpus dir> <template dir>}. Prints a Markdown report.
 */
public final class GuardHeldOut {

    private static final double[] THRESHOLDS = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
    private static final double SHIPPED_THRESHOLD = 0.7;

    private GuardHeldOut() {
    }

    /** One scanned example: the highest rule score and the learned score (0 when none). */
    private record Scored(Corpus.Example example, double rules, double learned, List<Finding> findings) {
        double combined() {
            return Math.max(rules, learned);
        }
    }

    public static void main(String[] args) throws Exception {
        List<Corpus.Example> examples = Corpus.load(Path.of(args[0]), Path.of(args[1]));
        List<Corpus.Example> training = new ArrayList<>();
        List<Corpus.Example> heldOut = new ArrayList<>();
        examples.forEach(e -> (Corpus.heldOut(e.text()) ? heldOut : training).add(e));
        InjectionModel model = InjectionTrainer.train(examples);
        List<Scored> scored = scan(new InjectionScanner(model), heldOut);

        System.out.printf("Corpus: %d examples (%d attacks); held-out split %d (%d attacks, %d benign).%n%n", examples.size(),
                examples.stream().filter(Corpus.Example::injection).count(), heldOut.size(),
                heldOut.stream().filter(Corpus.Example::injection).count(), heldOut.stream().filter(e -> !e.injection()).count());
        System.out.println("### Held-out split: detection against false positives");
        System.out.println();
        System.out.println("| threshold | rules: detection | rules: false positives | model: detection | model: false positives | rules + model (as shipped): detection | false positives |");
        System.out.println("|---:|---|---|---|---|---|---|");
        for (double t : THRESHOLDS) {
            System.out.printf("| %.2f | %s | %s | %s | %s | %s | %s |%n", t,
                    rate(scored, true, s -> s.rules() >= t), rate(scored, false, s -> s.rules() >= t),
                    rate(scored, true, s -> s.learned() >= t), rate(scored, false, s -> s.learned() >= t),
                    rate(scored, true, s -> s.combined() >= t), rate(scored, false, s -> s.combined() >= t));
        }
        for (double budget : new double[] {0.03, 0.01}) {
            for (int t = 1; t < 100; t++) {
                double threshold = t / 100.0;
                long benign = scored.stream().filter(s -> !s.example().injection()).count();
                long flagged = scored.stream().filter(s -> !s.example().injection() && s.combined() >= threshold).count();
                if (flagged <= budget * benign) {
                    System.out.printf("%nLowest threshold flagging at most %.0f%% of held-out benign (as shipped): %.2f, detection %s.%n",
                            budget * 100, threshold, rate(scored, true, s -> s.combined() >= threshold));
                    break;
                }
            }
        }

        System.out.println();
        System.out.println("### Calibration on the held-out split: share of attacks by score");
        System.out.println();
        System.out.println("| scorer | score band | texts | attacks | share of attacks |");
        System.out.println("|---|---|---:|---:|---:|");
        double[] bands = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001};
        for (int b = 0; b + 1 < bands.length; b++) {
            double low = bands[b], high = bands[b + 1];
            List<Scored> in = scored.stream().filter(s -> s.learned() >= low && s.learned() < high).toList();
            System.out.printf("| model | [%.2f, %.2f) | %d | %d | %s |%n", low, Math.min(high, 1), in.size(),
                    in.stream().filter(s -> s.example().injection()).count(), share(in));
        }
        // A rule's score is fixed: its precision is the share of attacks among the texts it matched.
        Map<String, List<Scored>> byRule = new TreeMap<>();
        for (Scored s : scored) {
            s.findings().stream().filter(f -> !f.category().equals(InjectionScanner.LEARNED))
                    .map(f -> f.category() + " " + String.format("%.3f", f.score())).distinct()
                    .forEach(rule -> byRule.computeIfAbsent(rule, r -> new ArrayList<>()).add(s));
        }
        byRule.forEach((rule, in) -> System.out.printf("| rule %s | (fixed) | %d | %d | %s |%n", rule.substring(0, rule.lastIndexOf(' ')),
                in.size(), in.stream().filter(s -> s.example().injection()).count(), share(in) + " (score " + rule.substring(rule.lastIndexOf(' ') + 1) + ")"));

        System.out.println();
        System.out.printf("### Held-out split by source (threshold %.2f, as shipped)%n%n", SHIPPED_THRESHOLD);
        System.out.println("| source | attacks detected | benign flagged |");
        System.out.println("|---|---|---|");
        Map<String, List<Scored>> bySource = new TreeMap<>();
        scored.forEach(s -> bySource.computeIfAbsent(source(s.example()), k -> new ArrayList<>()).add(s));
        bySource.forEach((source, in) -> System.out.printf("| %s | %s | %s |%n", source,
                count(in, true), count(in, false)));

        System.out.println();
        System.out.printf("### Leave one source out (threshold %.2f)%n%n", SHIPPED_THRESHOLD);
        System.out.println("Each source with attacks is left out of training and calibration whole (attacks and benign rows), and all of its rows are scored.");
        System.out.println();
        System.out.println("| source left out | attacks | detected: rules | detected: model | detected: rules + model | its benign rows flagged |");
        System.out.println("|---|---:|---|---|---|---|");
        TreeSet<String> attackSources = new TreeSet<>();
        examples.stream().filter(Corpus.Example::injection).forEach(e -> attackSources.add(source(e)));
        for (String source : attackSources) {
            List<Corpus.Example> without = training.stream().filter(e -> !source(e).equals(source)).toList();
            List<Corpus.Example> calibration = heldOut.stream().filter(e -> !source(e).equals(source)).toList();
            InjectionModel left = InjectionTrainer.calibrate(InjectionTrainer.fit(without, EPOCHS, L2), calibration);
            List<Scored> own = scan(new InjectionScanner(left), examples.stream().filter(e -> source(e).equals(source)).toList());
            System.out.printf("| %s | %d | %s | %s | %s | %s |%n", source, own.stream().filter(s -> s.example().injection()).count(),
                    rate(own, true, s -> s.rules() >= SHIPPED_THRESHOLD), rate(own, true, s -> s.learned() >= SHIPPED_THRESHOLD),
                    rate(own, true, s -> s.combined() >= SHIPPED_THRESHOLD), rate(own, false, s -> s.combined() >= SHIPPED_THRESHOLD));
        }
    }

    private static final int EPOCHS = Integer.getInteger("epochs", 10);
    private static final double L2 = Double.parseDouble(System.getProperty("l2", "1e-4"));

    /** The public source's file name, or "cairn templates" for training/guard. */
    private static String source(Corpus.Example e) {
        return e.family().startsWith(Corpus.SOURCES) ? e.family().substring(Corpus.SOURCES.length()) : "cairn templates (training/guard)";
    }

    private static List<Scored> scan(InjectionScanner scanner, List<Corpus.Example> examples) {
        return examples.parallelStream().map(e -> {
            List<Finding> findings = scanner.scan(e.text(), Scanner.Direction.INPUT);
            double rules = 0, learned = 0;
            for (Finding f : findings) {
                if (f.category().equals(InjectionScanner.LEARNED)) {
                    learned = Math.max(learned, f.score());
                } else {
                    rules = Math.max(rules, f.score());
                }
            }
            return new Scored(e, rules, learned, findings);
        }).toList();
    }

    private static String rate(List<Scored> scored, boolean injection, java.util.function.Predicate<Scored> flagged) {
        long n = scored.stream().filter(s -> s.example().injection() == injection).count();
        long hit = scored.stream().filter(s -> s.example().injection() == injection && flagged.test(s)).count();
        return n == 0 ? "–" : String.format("%.3f (%d/%d)", (double) hit / n, hit, n);
    }

    private static String count(List<Scored> scored, boolean injection) {
        long n = scored.stream().filter(s -> s.example().injection() == injection).count();
        long hit = scored.stream().filter(s -> s.example().injection() == injection && s.combined() >= SHIPPED_THRESHOLD).count();
        return n == 0 ? "–" : hit + "/" + n;
    }

    private static String share(List<Scored> in) {
        return in.isEmpty() ? "–" : String.format("%.3f", in.stream().filter(s -> s.example().injection()).count() / (double) in.size());
    }
}
