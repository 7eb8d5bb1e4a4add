package dev.cairn.guard;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link ReadingView} as it was before its scans were sped up (commit 8dc84e6), kept unchanged
 * but for its name as the oracle {@link ScannerEquivalenceTest} holds the fast one to: every
 * pattern run with {@code find()} over the whole text. Its own documentation follows.
 *
 * A text as a model would read it rather than as a filter sees it: invisible characters dropped,
 * compatibility forms and look-alike letters folded to plain Latin (NFKC, Cyrillic and Greek
 * homoglyphs), lower case, leetspeak digits read as letters. Each char of the view remembers which
 * char of the original it came from, so a match in the view has a span in the original.
 */
final class ReferenceReadingView {

    /** Cyrillic and Greek letters that look like Latin ones. */
    private static final Map<Integer, Character> HOMOGLYPHS = Map.ofEntries(
            Map.entry(0x0430, 'a'), Map.entry(0x0435, 'e'), Map.entry(0x043E, 'o'), Map.entry(0x0440, 'p'),
            Map.entry(0x0441, 'c'), Map.entry(0x0443, 'y'), Map.entry(0x0445, 'x'), Map.entry(0x0456, 'i'),
            Map.entry(0x0458, 'j'), Map.entry(0x0455, 's'), Map.entry(0x04BB, 'h'), Map.entry(0x0501, 'd'),
            Map.entry(0x03BF, 'o'), Map.entry(0x03B1, 'a'), Map.entry(0x03B5, 'e'), Map.entry(0x03B9, 'i'),
            Map.entry(0x03BD, 'v'), Map.entry(0x03C1, 'p'), Map.entry(0x03C4, 't'), Map.entry(0x03BA, 'k'));
    private static final Map<Character, Character> LEET = Map.of(
            '0', 'o', '1', 'i', '3', 'e', '4', 'a', '5', 's', '7', 't', '@', 'a', '$', 's', '!', 'i');

    final String text;
    private final int[] origin;
    private final int originalLength;

    private ReferenceReadingView(String text, int[] origin, int originalLength) {
        this.text = text;
        this.origin = origin;
        this.originalLength = originalLength;
    }

    static ReferenceReadingView of(String original) {
        StringBuilder out = new StringBuilder(original.length());
        int[] origin = new int[original.length() * 2 + 8];
        int n = 0;
        for (int i = 0; i < original.length(); ) {
            int cp = original.codePointAt(i);
            int width = Character.charCount(cp);
            if (!invisible(cp)) {
                String folded = fold(original, i, cp);
                for (int k = 0; k < folded.length(); k++) {
                    if (n == origin.length) {
                        origin = java.util.Arrays.copyOf(origin, origin.length * 2);
                    }
                    origin[n++] = i;
                    out.append(folded.charAt(k));
                }
            }
            i += width;
        }
        return new ReferenceReadingView(out.toString(), java.util.Arrays.copyOf(origin, n), original.length());
    }

    /** The span in the original text of the view's chars {@code [start, end)}. */
    Span span(int start, int end) {
        int from = origin[start];
        int to = end < origin.length ? origin[end] : originalLength;
        return new Span(from, Math.max(from + 1, to));
    }

    private static boolean invisible(int cp) {
        return (cp >= 0xE0000 && cp <= 0xE01EF) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x200B && cp <= 0x200F)
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x180E || cp == 0xAD;
    }

    private static String fold(String original, int at, int cp) {
        Character lookalike = HOMOGLYPHS.get(Character.toLowerCase(cp));
        if (lookalike != null) {
            return String.valueOf(lookalike);
        }
        char single = cp < 0x10000 ? (char) cp : 0;
        Character leet = LEET.get(single);
        if (leet != null && besideLetter(original, at)) {
            return String.valueOf(leet);
        }
        if (cp < 0x80) {
            return String.valueOf((char) Character.toLowerCase(cp)); // ASCII is its own NFKC form
        }
        return Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** A digit or symbol is read as a letter only inside a word ("1gn0re"), not in "3 rules" or "$5". */
    private static boolean besideLetter(String text, int at) {
        boolean before = at > 0 && Character.isLetter(text.charAt(at - 1));
        boolean after = at + 1 < text.length() && Character.isLetter(text.charAt(at + 1));
        return before || after;
    }
}
