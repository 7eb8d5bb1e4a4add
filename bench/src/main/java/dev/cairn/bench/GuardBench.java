package dev.cairn.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.cairn.guard.Finding;
import dev.cairn.guard.InjectionScanner;
import dev.cairn.guard.Scanner;
import dev.cairn.guard.UnicodeScanner;
import dev.cairn.guard.learned.InjectionModel;
import dev.cairn.guard.learned.SemanticStage;
import dev.cairn.platform.embedding.LocalEmbedder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The input guard's injection detection on labelled prompts: a prompt counts as flagged when the
 * injection or Unicode scanner reports anything at or above the threshold (the default policy's).
 * Four ways, side by side: the rules alone, the word model alone (its finding only), both as Cairn
 * ships them, and both with the opt-in semantic stage ({@code cairn.guard.semantic-scoring}). For each file: detection rate on label 1, false-positive rate on label 0
 * (rows without a label are benign), overall and per {@code source}. These files measure; nothing
 * is trained or tuned on them.
 *
 * Usage: {@code GuardBench <dir with injecguard-valid.json and notinject-one.json> [threshold]}.
 * Prints one JSON line.
 */
public final class GuardBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Scanner RULES = new InjectionScanner();
    private static final InjectionModel WORD_MODEL = InjectionModel.shipped();
    private static final Scanner COMBINED = new InjectionScanner(WORD_MODEL);
    private static final Scanner SEMANTIC = new InjectionScanner(WORD_MODEL,
            SemanticStage.shipped(new LocalEmbedder(Path.of(System.getProperty("java.io.tmpdir")), 1), 1));
    private static final Scanner UNICODE = new UnicodeScanner();

    private record Counts(int positives, int detected, int negatives, int falsePositives) {
        Counts add(boolean positive, boolean flagged) {
            return positive ? new Counts(positives + 1, detected + (flagged ? 1 : 0), negatives, falsePositives)
                    : new Counts(positives, detected, negatives + 1, falsePositives + (flagged ? 1 : 0));
        }

        ObjectNode json() {
            ObjectNode json = JSON.createObjectNode();
            json.put("positives", positives).put("detected", detected).put("negatives", negatives).put("false_positives", falsePositives);
            json.put("detection_rate", positives == 0 ? null : round((double) detected / positives));
            json.put("false_positive_rate", negatives == 0 ? null : round((double) falsePositives / negatives));
            return json;
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        double threshold = args.length > 1 ? Double.parseDouble(args[1]) : 0.7;
        Map<String, Predicate<String>> ways = new LinkedHashMap<>();
        ways.put("rules", prompt -> flagged(prompt, threshold, RULES, f -> true) || flagged(prompt, threshold, UNICODE, f -> true));
        ways.put("learned", prompt -> flagged(prompt, threshold, COMBINED, f -> f.category().equals(InjectionScanner.LEARNED)));
        ways.put("combined", prompt -> flagged(prompt, threshold, COMBINED, f -> true) || flagged(prompt, threshold, UNICODE, f -> true));
        ways.put("semantic", prompt -> flagged(prompt, threshold, SEMANTIC, f -> true) || flagged(prompt, threshold, UNICODE, f -> true));
        ObjectNode report = JSON.createObjectNode();
        report.put("threshold", threshold);
        for (var way : ways.entrySet()) {
            ObjectNode results = report.putObject(way.getKey());
            for (String file : List.of("injecguard-valid.json", "notinject-one.json")) {
                Counts all = new Counts(0, 0, 0, 0);
                Map<String, Counts> bySource = new TreeMap<>();
                for (JsonNode row : JSON.readTree(Files.readString(dir.resolve(file)))) {
                    boolean positive = row.path("label").asInt(0) == 1;
                    boolean flagged = way.getValue().test(row.get("prompt").asString());
                    all = all.add(positive, flagged);
                    bySource.merge(row.path("source").asString("(none)"), new Counts(0, 0, 0, 0).add(positive, flagged),
                            (a, b) -> new Counts(a.positives() + b.positives(), a.detected() + b.detected(),
                                    a.negatives() + b.negatives(), a.falsePositives() + b.falsePositives()));
                }
                ObjectNode result = results.putObject(file.replace(".json", ""));
                result.set("all", all.json());
                ObjectNode sources = result.putObject("by_source");
                bySource.forEach((source, counts) -> sources.set(source, counts.json()));
            }
        }
        System.out.println(report);
    }

    private static boolean flagged(String prompt, double threshold, Scanner scanner, Predicate<Finding> counted) {
        for (Finding finding : scanner.scan(prompt, Scanner.Direction.INPUT)) {
            if (finding.score() >= threshold && counted.test(finding)) {
                return true;
            }
        }
        return false;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
