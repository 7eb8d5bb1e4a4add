package dev.cairn.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link Matches} as it was before its scans were sped up (commit 8dc84e6), kept unchanged
 * but for its name as the oracle {@link ScannerEquivalenceTest} holds the fast one to: every
 * pattern run with {@code find()} over the whole text. Its own documentation follows.
 *
 * <p>What the pattern-based scanners share: walking a pattern's matches and ordering what they found.
 */
final class ReferenceMatches {

    private ReferenceMatches() {
    }

    static void each(Pattern pattern, String text, Consumer<Matcher> action) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            action.accept(m);
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
