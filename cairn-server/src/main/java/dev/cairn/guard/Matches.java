package dev.cairn.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
        List<Finding> kept = new ArrayList<>();
        for (Finding f : findings) {
            boolean inner = findings.stream().anyMatch(o -> o != f && !o.span().equals(f.span())
                    && o.span().start() <= f.span().start() && f.span().end() <= o.span().end()
                    && (o.category().equals(f.category()) || o.score() > f.score()));
            if (!inner) {
                kept.add(f);
            }
        }
        kept.sort(Comparator.comparingInt((Finding f) -> f.span().start()).thenComparingInt(f -> -f.span().end()));
        return List.copyOf(kept);
    }
}
