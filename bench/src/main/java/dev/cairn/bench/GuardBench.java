package dev.cairn.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.cairn.guard.Finding;
import dev.cairn.guard.InjectionScanner;
import dev.cairn.guard.Scanner;
import dev.cairn.guard.UnicodeScanner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The input guard's injection detection on labelled prompts: a prompt counts as flagged when the
 * injection or Unicode scanner reports anything at or above the threshold (the default policy's).
 * For each file: detection rate on label 1, false-positive rate on label 0 (rows without a label
 * are benign), overall and per {@code source}. These files measure; nothing is tuned on them.
 *
 * Usage: {@code GuardBench <dir with injecguard-valid.json and notinject-one.json> [threshold]}.
 * Prints one JSON line.
 */
public final class GuardBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<Scanner> INPUT_SCANNERS = List.of(new InjectionScanner(), new UnicodeScanner());

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
        ObjectNode report = JSON.createObjectNode();
        report.put("threshold", threshold);
        for (String file : List.of("injecguard-valid.json", "notinject-one.json")) {
            Counts all = new Counts(0, 0, 0, 0);
            Map<String, Counts> bySource = new TreeMap<>();
            for (JsonNode row : JSON.readTree(Files.readString(dir.resolve(file)))) {
                boolean positive = row.path("label").asInt(0) == 1;
                boolean flagged = flagged(row.get("prompt").asString(), threshold);
                all = all.add(positive, flagged);
                bySource.merge(row.path("source").asString("(none)"), new Counts(0, 0, 0, 0).add(positive, flagged),
                        (a, b) -> new Counts(a.positives() + b.positives(), a.detected() + b.detected(),
                                a.negatives() + b.negatives(), a.falsePositives() + b.falsePositives()));
            }
            ObjectNode result = report.putObject(file.replace(".json", ""));
            result.set("all", all.json());
            ObjectNode sources = result.putObject("by_source");
            bySource.forEach((source, counts) -> sources.set(source, counts.json()));
        }
        System.out.println(report);
    }

    private static boolean flagged(String prompt, double threshold) {
        for (Scanner scanner : INPUT_SCANNERS) {
            for (Finding finding : scanner.scan(prompt, Scanner.Direction.INPUT)) {
                if (finding.score() >= threshold) {
                    return true;
                }
            }
        }
        return false;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
