package dev.cairn.guard.learned;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training examples: the rows of the public corpus in {@code training/guard-train} and the
 * templates Cairn's contributors wrote, expanded from the files in {@code training/guard}:
 * {@code injections.txt} (label 1), {@code benign.txt} (label 0) and {@code carriers.txt}, whose
 * carriers take injections (label 1) and harmless fillers (label 0) as payloads. A template's
 * {@code {a|b}} picks one choice; each template gives up to {@link #VARIANTS} distinct texts,
 * drawn with a seed of its own, so the corpus is the same on every machine.
 */
public final class Corpus {

    /**
     * One training text. {@code template} numbers the line it was expanded from; {@code family} is
     * the file and the {@code # ---} section that line sits under ({@code injections/persona
     * switching and jailbreaks}), so that held-out measures can leave whole families out;
     * {@code payload} is the template of a carrier's payload, or -1.
     */
    public record Example(String text, boolean injection, int template, String family, int payload) {
    }

    /** A template line and the family it belongs to. */
    private record Line(String text, String family) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int VARIANTS = 8;
    private static final int PER_CARRIER = 24;

    private Corpus() {
    }

    /** The template files' lines, by role, each with its family. */
    private record Templates(List<Line> injections, List<Line> benign, List<Line> carriers, List<String> fillers) {
    }

    /** The family of every example read from the corpus of public sources: the source's file name after this. */
    public static final String SOURCES = "guard-train/";

    /**
     * The training examples as the shipped model learns them: every row of the public corpus
     * ({@code training/guard-train}, one JSONL file per source, family {@code guard-train/<file>})
     * followed by the templates Cairn's contributors wrote ({@code training/guard}).
     */
    public static List<Example> load(Path sources, Path templates) throws IOException {
        List<Example> examples = new ArrayList<>(rows(sources));
        examples.addAll(load(templates));
        return examples;
    }

    /**
     * The rows of the public corpus: each {@code *.jsonl} file of {@code dir} in name order, one
     * {@code {"text","label","source","category"}} object a line, label 1 an attack. The family is
     * the file, which names the source repository, so that a source can be held out as a whole.
     */
    public static List<Example> rows(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no *.jsonl files in " + dir);
        }
        List<Example> examples = new ArrayList<>();
        for (Path file : files) {
            String family = SOURCES + file.getFileName().toString().replaceFirst("\\.jsonl$", "");
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = JSON.readTree(line);
                examples.add(new Example(row.get("text").asString(), row.get("label").asInt() == 1, -1, family, -1));
            }
        }
        return examples;
    }

    /**
     * Whether an example belongs to the held-out split (about one in five), on which the model is
     * calibrated and measured and never trained. Decided by the text alone, so the split is the
     * same on every machine and a text keeps its side however the corpus grows.
     */
    public static boolean heldOut(String text) {
        int h = text.hashCode() * 0x9e3779b1;
        return Math.floorMod(h ^ (h >>> 16), 5) == 0;
    }

    public static List<Example> load(Path dir) throws IOException {
        Templates templates = read(dir);
        List<Line> injectionLines = templates.injections();
        List<String> injections = injectionLines.stream().map(Line::text).toList();
        List<Line> benign = templates.benign();
        List<Line> carriers = templates.carriers();
        List<String> fillers = templates.fillers();
        List<Example> examples = new ArrayList<>();
        int template = 0;
        for (Line t : injectionLines) {
            int id = template++;
            expand(t.text(), VARIANTS).forEach(text -> examples.add(new Example(text, true, id, t.family(), -1)));
        }
        for (Line t : benign) {
            int id = template++;
            expand(t.text(), VARIANTS).forEach(text -> examples.add(new Example(text, false, id, t.family(), -1)));
        }
        for (Line carrier : carriers) {
            int id = template++;
            Random random = new Random(carrier.text().hashCode());
            for (int i = 0; i < PER_CARRIER; i++) {
                boolean injection = i % 2 == 0;
                List<String> payloads = injection ? injections : fillers;
                int chosen = random.nextInt(payloads.size());
                String payload = pick(payloads.get(chosen), random);
                examples.add(new Example(pick(carrier.text(), random).replace("{{payload}}", payload), injection, id,
                        carrier.family(), injection ? chosen : -1));
            }
        }
        return examples;
    }

    /** The template lines in the order of {@link Example#template}: injections, benign prompts, carriers. */
    public static List<String> templateLines(Path dir) throws IOException {
        Templates templates = read(dir);
        List<String> lines = new ArrayList<>();
        templates.injections().forEach(l -> lines.add(l.text()));
        templates.benign().forEach(l -> lines.add(l.text()));
        templates.carriers().forEach(l -> lines.add(l.text()));
        return lines;
    }

    private static Templates read(Path dir) throws IOException {
        List<Line> carriers = new ArrayList<>();
        List<String> fillers = new ArrayList<>();
        String section = "";
        for (Line line : templates(dir.resolve("carriers.txt"))) {
            if (line.text().equals("[carriers]") || line.text().equals("[fillers]")) {
                section = line.text();
            } else if (section.equals("[carriers]")) {
                carriers.add(line);
            } else if (section.equals("[fillers]")) {
                fillers.add(line.text());
            }
        }
        return new Templates(templates(dir.resolve("injections.txt")), templates(dir.resolve("benign.txt")), carriers, fillers);
    }

    /** The template lines of a file, each with its family: the file's name and the last {@code # ---} heading above it. */
    private static List<Line> templates(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.txt$", "");
        String family = name;
        List<Line> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("# ---")) {
                family = name + "/" + trimmed.substring("# ---".length()).strip();
            } else if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                lines.add(new Line(trimmed.replace("\\n", "\n"), family));
            }
        }
        return lines;
    }

    /** Up to {@code n} distinct texts from one template, drawn with the template's own seed. */
    static List<String> expand(String template, int n) {
        Random random = new Random(template.hashCode());
        Set<String> texts = new LinkedHashSet<>();
        for (int attempt = 0; attempt < n * 4 && texts.size() < n; attempt++) {
            texts.add(pick(template, random));
        }
        return List.copyOf(texts);
    }

    /**
     * The template with each {@code {a|b|…}} replaced by one of its choices (which may hold
     * further choices). Braces without a bar of their own are text (code, JSON); {@code \|} is a
     * literal bar. {@code {{payload}}} is left for the carrier's payload.
     */
    static String pick(String template, Random random) {
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (template.startsWith("{{payload}}", i)) {
                out.append("{{payload}}");
                i += "{{payload}}".length();
            } else if (template.startsWith("\\|", i)) {
                out.append('|');
                i += 2;
            } else if (c == '{' && choices(template, i) != null) {
                List<String> choices = choices(template, i);
                out.append(pick(choices.get(random.nextInt(choices.size())), random));
                i = close(template, i) + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The choices of the braces opening at {@code open}, split at their own bars; null when they have none. */
    private static List<String> choices(String template, int open) {
        int close = close(template, open);
        if (close < 0) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = open + 1;
        for (int i = open + 1; i < close; i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < close && template.charAt(i + 1) == '|') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == '|' && depth == 0) {
                parts.add(template.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(template.substring(start, close));
        return parts.size() > 1 ? parts : null;
    }

    /** The brace that closes the one at {@code open}, or -1. */
    private static int close(String template, int open) {
        int depth = 0;
        for (int i = open; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
