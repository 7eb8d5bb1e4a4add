package dev.cairn.guard;

import java.util.Arrays;

/**
 * Positions in a text where a pattern's match may begin, for {@link Matches#each(java.util.regex.Pattern,
 * String, Starts, java.util.function.Consumer)}. A regular expression that opens with a look-behind, a
 * word boundary or an alternation costs tens of nanoseconds at every position it is tried, and
 * {@link java.util.regex.Matcher#find()} tries all of them: two thousand for a 2 KB prompt, for each
 * pattern. A scanner that knows from a cheap look at the text where its pattern can begin (a digit
 * after a non-digit, a lead word, a line start) lists those places and has the pattern tried only
 * there. The list may hold more places than can match, never fewer: the pattern still decides.
 */
final class Starts {

    private int[] positions = new int[8];
    private int size;

    /** Adds a position not before the last one added; the same one again is ignored. */
    void add(int position) {
        if (size > 0 && positions[size - 1] >= position) {
            if (positions[size - 1] == position) {
                return;
            }
            throw new IllegalArgumentException("start " + position + " added after " + positions[size - 1]);
        }
        if (size == positions.length) {
            positions = Arrays.copyOf(positions, size * 2);
        }
        positions[size++] = position;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int get(int index) {
        return positions[index];
    }

    /** Those of the places where the text has one of {@code chars}: where a pattern that opens with one of them can begin. */
    Starts where(String text, String chars) {
        Starts kept = new Starts();
        for (int i = 0; i < size; i++) {
            if (chars.indexOf(text.charAt(positions[i])) >= 0) {
                kept.add(positions[i]);
            }
        }
        return kept;
    }

    /** Every place where one of the literals occurs, e.g. {@code sk-} for an API key pattern that begins with it. */
    static Starts of(String text, String... literals) {
        Starts starts = new Starts();
        if (literals.length == 1) {
            for (int at = text.indexOf(literals[0]); at >= 0; at = text.indexOf(literals[0], at + 1)) {
                starts.add(at);
            }
            return starts;
        }
        // Several literals occur interleaved: collect, then put in order.
        int[] found = new int[8];
        int n = 0;
        for (String literal : literals) {
            for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + 1)) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, n * 2);
                }
                found[n++] = at;
            }
        }
        Arrays.sort(found, 0, n);
        for (int i = 0; i < n; i++) {
            starts.add(found[i]);
        }
        return starts;
    }
}
