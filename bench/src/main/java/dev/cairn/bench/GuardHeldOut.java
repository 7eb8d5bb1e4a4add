package dev.cairn.bench;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * Usage: {@code GuardHeldOut <corpus dir> [--cross <earlier corpus dir>] [threshold …]}. Prints a Markdown report.
 */
public final class GuardHeldOut {

    private static final Scanner UNICODE = new UnicodeScanner();
    /** The share of held-out benign examples the chosen threshold may flag. */
    private static final double FALSE_POSITIVE_BUDGET = 0.03;

    private GuardHeldOut() {
    }

    /** A held-out example with the highest score of an injection or Unicode finding (0 when none), and of the learned one. */
    private record Scored(Corpus.Example example, String group, double combined, double learned) {
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
        Map<String, List<Corpus.Example>> families = examples.stream()
                .collect(Collectors.groupingBy(group, LinkedHashMap::new, Collectors.toList()));
        List<Scored> scores = new ArrayList<>();
        for (var family : families.entrySet()) {
            Set<Integer> heldTemplates = family.getValue().stream().map(Corpus.Example::template).collect(Collectors.toSet());
            Function<Corpus.Example, String> by = group;
            List<Corpus.Example> training = examples.stream()
                    .filter(e -> !family.getKey().equals(by.apply(e)) && !heldTemplates.contains(e.payload()))
                    .toList();
            InjectionModel model = InjectionTrainer.train(training);
            InjectionScanner scanner = new InjectionScanner(model);
            for (Corpus.Example e : family.getValue()) {
                double combined = 0;
                double learned = 0;
                for (Finding f : scanner.scan(e.text(), Scanner.Direction.INPUT)) {
                    combined = Math.max(combined, f.score());
                    if (f.category().equals(InjectionScanner.LEARNED)) {
                        learned = Math.max(learned, f.score());
                    }
                }
                for (Finding f : UNICODE.scan(e.text(), Scanner.Direction.INPUT)) {
                    combined = Math.max(combined, f.score());
                }
                scores.add(new Scored(e, by.apply(e), combined, learned));
            }
        }

        System.out.printf("Held out by %s: %d examples, %d groups (%d injections, %d benign).%n%n", split, examples.size(),
                families.size(), examples.stream().filter(Corpus.Example::injection).count(),
                examples.stream().filter(e -> !e.injection()).count());
        System.out.println("| threshold | detection (rules + learned) | false positives (rules + learned) | detection (learned) | false positives (learned) |");
        System.out.println("|---|---|---|---|---|");
        for (double t : thresholds) {
            System.out.printf("| %.2f | %s | %s | %s | %s |%n", t,
                    rate(scores, true, t, false), rate(scores, false, t, false),
                    rate(scores, true, t, true), rate(scores, false, t, true));
        }
        // The operating point: the lowest threshold at which held-out false positives are at most
        // FALSE_POSITIVE_BUDGET, found on a grid of hundredths.
        long benign = scores.stream().filter(s -> !s.example().injection()).count();
        for (int t = 1; t < 100; t++) {
            double threshold = t / 100.0;
            long flagged = scores.stream().filter(s -> !s.example().injection() && s.combined() >= threshold).count();
            if (flagged <= FALSE_POSITIVE_BUDGET * benign) {
                System.out.printf("%nAt most %.0f%% of held-out benign flagged from threshold %.2f on: detection %s, false positives %s.%n",
                        FALSE_POSITIVE_BUDGET * 100, threshold, rate(scores, true, threshold, false), rate(scores, false, threshold, false));
                break;
            }
        }
        double shown = thresholds.contains(0.7) ? 0.7 : thresholds.get(0);
        System.out.printf("%n| group (held out) | injections flagged | benign flagged |  (rules + learned, threshold %.2f)%n", shown);
        System.out.println("|---|---|---|");
        for (var family : families.entrySet()) {
            List<Scored> own = scores.stream().filter(s -> s.group().equals(family.getKey())).toList();
            System.out.printf("| %s | %s | %s |%n", family.getKey(), count(own, true, shown), count(own, false, shown));
        }
    }

    private static String rate(List<Scored> scores, boolean injection, double threshold, boolean learnedOnly) {
        long n = 0;
        long flagged = 0;
        for (Scored s : scores) {
            if (s.example().injection() == injection) {
                n++;
                flagged += (learnedOnly ? s.learned() : s.combined()) >= threshold ? 1 : 0;
            }
        }
        return String.format("%.3f (%d/%d)", n == 0 ? 0.0 : (double) flagged / n, flagged, n);
    }

    private static String count(List<Scored> scores, boolean injection, double threshold) {
        long n = scores.stream().filter(s -> s.example().injection() == injection).count();
        long flagged = scores.stream().filter(s -> s.example().injection() == injection && s.combined() >= threshold).count();
        return n == 0 ? "–" : flagged + "/" + n;
    }
}
