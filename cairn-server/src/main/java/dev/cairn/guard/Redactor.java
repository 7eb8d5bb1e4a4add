package dev.cairn.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replaces findings with typed placeholders ({@code [EMAIL_1]}, {@code [OPENAI_KEY_2]}) and puts the
 * originals back afterwards.
 *
 * <p>One instance lives for one request: the prompt going out and the answer coming back share its
 * numbering, so a value the model repeats as {@code [EMAIL_1]} restores to the address the caller sent.
 * The same value always gets the same placeholder, wherever and however often it appears. Not safe
 * for use from several threads at once.
 */
public final class Redactor {

    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<String, String> originals = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();

    /** The text with every finding that survives {@link #resolve} replaced by its value's placeholder. */
    public Redaction redact(String text, List<Finding> findings) {
        List<Finding> kept = resolve(findings);
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (Finding finding : kept) {
            Span span = finding.span();
            if (span.end() > text.length()) {
                throw new IllegalArgumentException("finding " + span + " is past the end of a text of " + text.length());
            }
            out.append(text, at, span.start()).append(placeholder(finding.category(), span.of(text)));
            at = span.end();
        }
        out.append(text, at, text.length());
        return new Redaction(out.toString(), kept);
    }

    /** The text with every placeholder this redactor handed out replaced by its original; others are left. */
    public String restore(String text) {
        return restorer().restore(text);
    }

    /**
     * Restores the placeholders handed out so far, and only those: taken after the prompt is
     * redacted, it gives the caller back its own values in the answer, while a value the model
     * itself let slip and the answer's guard redacted later stays redacted.
     */
    public Restorer restorer() {
        return new Restorer(Map.copyOf(originals));
    }

    /**
     * The findings that do not overlap, in text order: where two overlap the longer wins, and of two
     * the same length the earlier, so a finding inside another (a key inside a private-key block, an
     * e-mail address inside a longer match) goes.
     */
    public static List<Finding> resolve(List<Finding> findings) {
        List<Finding> bySize = new ArrayList<>(findings);
        bySize.sort(Comparator.comparingInt((Finding f) -> f.span().start() - f.span().end())
                .thenComparingInt(f -> f.span().start()));
        List<Finding> kept = new ArrayList<>();
        for (Finding candidate : bySize) {
            if (candidate.span().start() == candidate.span().end()) {
                continue;
            }
            boolean clear = kept.stream().noneMatch(k -> overlap(k.span(), candidate.span()));
            if (clear) {
                kept.add(candidate);
            }
        }
        kept.sort(Comparator.comparingInt(f -> f.span().start()));
        return kept;
    }

    private static boolean overlap(Span a, Span b) {
        return a.start() < b.end() && b.start() < a.end();
    }

    private String placeholder(String category, String value) {
        return placeholders.computeIfAbsent(value, v -> {
            String type = category.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
            String placeholder = "[" + type + "_" + counts.merge(type, 1, Integer::sum) + "]";
            originals.put(placeholder, v);
            return placeholder;
        });
    }
}
