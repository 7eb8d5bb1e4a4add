package dev.cairn.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.cairn.guard.Finding;
import dev.cairn.guard.InjectionScanner;
import dev.cairn.guard.Scanner;
import dev.cairn.guard.UnicodeScanner;
import dev.cairn.guard.learned.Corpus;
import dev.cairn.guard.learned.InjectionModel;
import dev.cairn.guard.learned.InjectionTrainer;
import dev.cairn.guard.learned.SemanticModel;
import dev.cairn.guard.learned.SemanticStage;
import dev.cairn.guard.learned.SemanticTrainer;
import dev.cairn.platform.embedding.LocalEmbedder;

/**
 * The learned injection model measured on Cairn's own corpus, one template family at a time: for
 * each family ({@code # ---} section of a template file), a model is trained on every other family
 * and scores the held-out one, with the rules, as Cairn ships them. A carrier example whose payload
 * comes from the held-out family is left out of training too, so nothing of the family is seen.
 * This is where the model's settings and the threshold are chosen; the evaluation files
 * ({@code bench/guard.sh}) only measure the result.
 *
 * <p>With {@code --cross <earlier corpus dir>} the two groups are instead the templates that the
 * earlier corpus already had and the ones added since: the model learns from one author's lines and
 * is measured on the other's, which family by family cannot show (one author's families share
 * their wording).
 *
 * <p>Both learned stages are trained per group: the word model and the semantic model over the
 * examples' embeddings (computed once, the embedding model itself being fixed). Figures are given
 * as Cairn ships (rules, word model, semantic stage) and without the semantic stage.
 *
 * Usage: {@code GuardHeldOut <corpus dir> [--cross <earlier corpus dir>] [threshold …]}. Prints a Markdown report.
 */
public final class GuardHeldOut {

    private static final Scanner UNICODE = new UnicodeScanner();
    /** The share of held-out benign examples the chosen threshold may flag. */
    private static final double FALSE_POSITIVE_BUDGET = 0.03;

    private GuardHeldOut() {
    }

    /**
     * A held-out example with the highest score of an injection or Unicode finding (0 when none):
     * as shipped ({@code combined}) and without the semantic stage ({@code words}).
     */
    private record Scored(Corpus.Example example, String group, double combined, double words) {

        double score(boolean wordsOnly) {
            return wordsOnly ? words : combined;
        }
    }

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        List<Corpus.Example> examples = Corpus.load(corpus);
        List<Double> thresholds = new ArrayList<>();
        Path earlier = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--cross")) {
                earlier = Path.of(args[++i]);
            } else {
                thresholds.add(Double.parseDouble(args[i]));
            }
        }
        if (thresholds.isEmpty()) {
            thresholds.addAll(List.of(0.5, 0.6, 0.7, 0.8, 0.9));
        }
        Function<Corpus.Example, String> group = Corpus.Example::family;
        String split = "family";
        if (earlier != null) {
            // Two groups by who wrote the template: lines already in the earlier corpus, and the rest.
            // Families written in one sitting share their author's wording; this split asks whether
            // what one author wrote teaches the model what the other wrote.
            Set<String> before = Set.copyOf(Corpus.templateLines(earlier));
            List<String> lines = Corpus.templateLines(corpus);
            group = e -> before.contains(lines.get(e.template())) ? "earlier templates" : "later templates";
            split = "author (the earlier corpus's templates against the later ones)";
        }
        Path scratch = Files.createTempDirectory("cairn-heldout-");
        List<float[]> vectors = SemanticTrainer.embed(new LocalEmbedder(scratch, Runtime.getRuntime().availableProcessors()), examples);
        Map<String, float[]> byText = new HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            byText.put(SemanticStage.clip(examples.get(i).text()), vectors.get(i));
        }
        Map<String, List<Corpus.Example>> families = examples.stream()
                .collect(Collectors.groupingBy(group, LinkedHashMap::new, Collectors.toList()));
        List<Scored> scores = new ArrayList<>();
        for (var family : families.entrySet()) {
            Set<Integer> heldTemplates = family.getValue().stream().map(Corpus.Example::template).collect(Collectors.toSet());
            Function<Corpus.Example, String> by = group;
            List<Integer> training = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                Corpus.Example e = examples.get(i);
                if (!family.getKey().equals(by.apply(e)) && !heldTemplates.contains(e.payload())) {
                    training.add(i);
                }
            }
            List<Corpus.Example> trainingExamples = training.stream().map(examples::get).toList();
            InjectionModel model = InjectionTrainer.train(trainingExamples);
            SemanticModel semantic = SemanticTrainer.train(trainingExamples, training.stream().map(vectors::get).toList());
            InjectionScanner shipped = new InjectionScanner(model, SemanticStage.of(semantic, byText::get));
            InjectionScanner words = new InjectionScanner(model);
            for (Corpus.Example e : family.getValue()) {
                double unicode = top(UNICODE, e.text());
                scores.add(new Scored(e, by.apply(e), Math.max(unicode, top(shipped, e.text())),
                        Math.max(unicode, top(words, e.text()))));
            }
        }

        System.out.printf("Held out by %s: %d examples, %d groups (%d injections, %d benign).%n%n", split, examples.size(),
                families.size(), examples.stream().filter(Corpus.Example::injection).count(),
                examples.stream().filter(e -> !e.injection()).count());
        System.out.println("| threshold | detection (as shipped) | false positives (as shipped) | detection (no semantic stage) | false positives (no semantic stage) |");
        System.out.println("|---|---|---|---|---|");
        for (double t : thresholds) {
            System.out.printf("| %.2f | %s | %s | %s | %s |%n", t,
                    rate(scores, true, t, false), rate(scores, false, t, false),
                    rate(scores, true, t, true), rate(scores, false, t, true));
        }
        System.out.println();
        operatingPoint(scores, false, "as shipped");
        operatingPoint(scores, true, "without the semantic stage");
        double shown = thresholds.contains(0.7) ? 0.7 : thresholds.get(0);
        System.out.printf("%n| group (held out) | injections flagged | benign flagged | injections, no semantic stage | benign, no semantic stage |  (threshold %.2f)%n", shown);
        System.out.println("|---|---|---|---|---|");
        for (var family : families.entrySet()) {
            List<Scored> own = scores.stream().filter(s -> s.group().equals(family.getKey())).toList();
            System.out.printf("| %s | %s | %s | %s | %s |%n", family.getKey(), count(own, true, shown, false),
                    count(own, false, shown, false), count(own, true, shown, true), count(own, false, shown, true));
        }
        Files.deleteIfExists(scratch);
    }

    private static double top(Scanner scanner, String text) {
        double top = 0;
        for (Finding f : scanner.scan(text, Scanner.Direction.INPUT)) {
            top = Math.max(top, f.score());
        }
        return top;
    }

    /**
     * The operating point: the lowest threshold at which held-out false positives are at most
     * FALSE_POSITIVE_BUDGET, found on a grid of hundredths.
     */
    private static void operatingPoint(List<Scored> scores, boolean wordsOnly, String label) {
        long benign = scores.stream().filter(s -> !s.example().injection()).count();
        for (int t = 1; t < 100; t++) {
            double threshold = t / 100.0;
            long flagged = scores.stream()
                    .filter(s -> !s.example().injection() && s.score(wordsOnly) >= threshold).count();
            if (flagged <= FALSE_POSITIVE_BUDGET * benign) {
                System.out.printf("At most %.0f%% of held-out benign flagged (%s) from threshold %.2f on: detection %s, false positives %s.%n",
                        FALSE_POSITIVE_BUDGET * 100, label, threshold, rate(scores, true, threshold, wordsOnly),
                        rate(scores, false, threshold, wordsOnly));
                return;
            }
        }
    }

    private static String rate(List<Scored> scores, boolean injection, double threshold, boolean wordsOnly) {
        long n = 0;
        long flagged = 0;
        for (Scored s : scores) {
            if (s.example().injection() == injection) {
                n++;
                flagged += s.score(wordsOnly) >= threshold ? 1 : 0;
            }
        }
        return String.format("%.3f (%d/%d)", n == 0 ? 0.0 : (double) flagged / n, flagged, n);
    }

    private static String count(List<Scored> scores, boolean injection, double threshold, boolean wordsOnly) {
        long n = scores.stream().filter(s -> s.example().injection() == injection).count();
        long flagged = scores.stream()
                .filter(s -> s.example().injection() == injection && s.score(wordsOnly) >= threshold).count();
        return n == 0 ? "–" : flagged + "/" + n;
    }
}
