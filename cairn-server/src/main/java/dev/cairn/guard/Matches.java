package dev.cairn.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the pattern-based scanners share: walking a pattern's matches and ordering what they found. */
final class Matches {

    private Matches() {
    }

    static void each(Pattern pattern, String text, Consumer<Matcher> action) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            action.accept(m);
        }
    }

    /**
     * The same matches as {@link #each(Pattern, String, Consumer)} gives, when every match begins at
     * one of {@code starts}: the pattern is tried there only, as {@link Matcher#find()} would try it
     * there, and positions inside a match are skipped as {@code find()} skips them. Transparent bounds
     * let look-behinds and {@code \b} see the text before a start; non-anchoring bounds keep {@code ^}
     * from taking a start for the beginning of the text.
     */
    static void each(Pattern pattern, String text, Starts starts, Consumer<Matcher> action) {
        if (starts.isEmpty()) {
            return;
        }
        Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        int from = 0;
        for (int k = 0; k < starts.size(); k++) {
            int at = starts.get(k);
            if (at < from) {
                continue;
            }
            m.region(at, text.length());
            if (m.lookingAt()) {
                action.accept(m);
                from = Math.max(m.end(), at + 1); // find() steps past an empty match
            }
        }
    }

    /**
     * The findings sorted by start (longer first on a tie), without any that lies inside another of the
     * same category or of a higher score: two phone patterns reading {@code +1 (415) 555-0132} and its
     * tail are one number, and digits inside a checked IBAN are not also a phone.
     */
    static List<Finding> inTextOrder(List<Finding> findings) {
        // In order of start, longer first, every finding that can hold another comes before it.
        // Findings of one span are weighed together against those before them (a span does not
        // hold itself), so one pass with the furthest end reached per category and per score
        // decides, not one look per pair: a text of a thousand addresses stays linear.
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingInt((Finding f) -> f.span().start()).thenComparingInt(f -> -f.span().end()));
        List<Finding> kept = new ArrayList<>(sorted.size());
        Map<String, Integer> endByCategory = new HashMap<>();
        TreeMap<Double, Integer> endByScore = new TreeMap<>();
        for (int from = 0; from < sorted.size(); ) {
            Span span = sorted.get(from).span();
            int to = from;
            while (to < sorted.size() && sorted.get(to).span().equals(span)) {
                to++;
            }
            for (Finding f : sorted.subList(from, to)) {
                if (!heldBefore(f, endByCategory, endByScore)) {
                    kept.add(f);
                }
            }
            for (Finding f : sorted.subList(from, to)) {
                endByCategory.merge(f.category(), span.end(), Math::max);
                endByScore.merge(f.score(), span.end(), Math::max);
            }
            from = to;
        }
        return List.copyOf(kept);
    }

    /** Whether a finding before {@code f} that reaches at least as far is of its category or scores higher. */
    private static boolean heldBefore(Finding f, Map<String, Integer> endByCategory, TreeMap<Double, Integer> endByScore) {
        int end = f.span().end();
        if (endByCategory.getOrDefault(f.category(), -1) >= end) {
            return true;
        }
        for (int higher : endByScore.tailMap(f.score(), false).values()) {
            if (higher >= end) {
                return true;
            }
        }
        return false;
    }
}
