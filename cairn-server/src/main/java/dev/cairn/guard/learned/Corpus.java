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

/**
 * The training examples, expanded from the template files in {@code training/guard}:
 * {@code injections.txt} (label 1), {@code benign.txt} (label 0) and {@code carriers.txt}, whose
 * carriers take injections (label 1) and harmless fillers (label 0) as payloads. A template's
 * {@code {a|b}} picks one choice; each template gives up to {@link #VARIANTS} distinct texts,
 * drawn with a seed of its own, so the corpus is the same on every machine.
 */
public final class Corpus {

    public record Example(String text, boolean injection, int template) {
    }

    static final int VARIANTS = 8;
    private static final int PER_CARRIER = 24;

    private Corpus() {
    }

    public static List<Example> load(Path dir) throws IOException {
        List<String> injections = templates(dir.resolve("injections.txt"));
        List<String> benign = templates(dir.resolve("benign.txt"));
        List<String> carriers = new ArrayList<>();
        List<String> fillers = new ArrayList<>();
        List<String> section = null;
        for (String line : templates(dir.resolve("carriers.txt"))) {
            if (line.equals("[carriers]")) {
                section = carriers;
            } else if (line.equals("[fillers]")) {
                section = fillers;
            } else if (section != null) {
                section.add(line);
            }
        }
        List<Example> examples = new ArrayList<>();
        int template = 0;
        for (String t : injections) {
            int id = template++;
            expand(t, VARIANTS).forEach(text -> examples.add(new Example(text, true, id)));
        }
        for (String t : benign) {
            int id = template++;
            expand(t, VARIANTS).forEach(text -> examples.add(new Example(text, false, id)));
        }
        for (String carrier : carriers) {
            int id = template++;
            Random random = new Random(carrier.hashCode());
            for (int i = 0; i < PER_CARRIER; i++) {
                boolean injection = i % 2 == 0;
                List<String> payloads = injection ? injections : fillers;
                String payload = pick(payloads.get(random.nextInt(payloads.size())), random);
                examples.add(new Example(pick(carrier, random).replace("{{payload}}", payload), injection, id));
            }
        }
        return examples;
    }

    private static List<String> templates(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                lines.add(trimmed.replace("\\n", "\n"));
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
