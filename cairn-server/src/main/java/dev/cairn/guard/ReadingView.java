package dev.cairn.guard;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * A text as a model would read it rather than as a filter sees it: invisible characters dropped,
 * compatibility forms and look-alike letters folded to plain Latin (NFKC, Cyrillic and Greek
 * homoglyphs), lower case, leetspeak digits read as letters. Each char of the view remembers which
 * char of the original it came from, so a match in the view has a span in the original.
 */
final class ReadingView {

    /**
     * What each BMP char outside ASCII folds to when that is a single char (NFKC, then lower case):
     * most of them (accented Latin, Cyrillic, CJK) do, and the Normalizer costs far more than a
     * look-up. Filled as chars are met; 0 is not yet known, {@link #SEVERAL} folds to several chars
     * (or to U+FFFF itself) and is worked out each time. Threads that race fill in the same value.
     */
    private static final char[] BMP_FOLDS = new char[0x10000];
    private static final char SEVERAL = '\uFFFF';

    final String text;
    /** For each char of {@link #text}, the index of the original char it came from (the array may run on past the text). */
    private final int[] origin;
    private final int originalLength;

    private ReadingView(String text, int[] origin, int originalLength) {
        this.text = text;
        this.origin = origin;
        this.originalLength = originalLength;
    }

    static ReadingView of(String original) {
        Builder view = new Builder(original.length());
        for (int i = 0; i < original.length(); ) {
            char c = original.charAt(i);
            if (c < 0x80) {
                // ASCII is visible, looks like no other letter and is its own NFKC form.
                char leet = leet(c);
                view.add(leet != 0 && besideLetter(original, i) ? leet : lowerAscii(c), i);
                i++;
                continue;
            }
            int cp = original.codePointAt(i);
            if (!invisible(cp)) {
                char lookalike = homoglyph(Character.toLowerCase(cp));
                char single = lookalike != 0 ? lookalike : cp < 0x10000 ? bmpFold(cp) : SEVERAL;
                if (single != SEVERAL) {
                    view.add(single, i);
                } else {
                    String folded = normalized(cp);
                    for (int k = 0; k < folded.length(); k++) {
                        view.add(folded.charAt(k), i);
                    }
                }
            }
            i += Character.charCount(cp);
        }
        return new ReadingView(new String(view.chars, 0, view.size), view.origin, original.length());
    }

    /** The view's chars as they are folded, each with the index of the original char it came from. */
    private static final class Builder {
        char[] chars;
        int[] origin;
        int size;

        Builder(int capacity) {
            chars = new char[capacity + 8];
            origin = new int[capacity + 8];
        }

        void add(char c, int from) {
            if (size == chars.length) { // chars before folded to several each
                chars = Arrays.copyOf(chars, size * 2);
                origin = Arrays.copyOf(origin, size * 2);
            }
            chars[size] = c;
            origin[size++] = from;
        }
    }

    /** The span in the original text of the view's chars {@code [start, end)}. */
    Span span(int start, int end) {
        int from = origin[start];
        int to = end < text.length() ? origin[end] : originalLength;
        return new Span(from, Math.max(from + 1, to));
    }

    private static boolean invisible(int cp) {
        return (cp >= 0xE0000 && cp <= 0xE01EF) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x200B && cp <= 0x200F)
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x180E || cp == 0xAD;
    }

    /** Cyrillic and Greek letters (lower case) that look like Latin ones, and what they look like; else 0. */
    private static char homoglyph(int lower) {
        return switch (lower) {
            case 0x0430, 0x03B1 -> 'a';
            case 0x0435, 0x03B5 -> 'e';
            case 0x043E, 0x03BF -> 'o';
            case 0x0440, 0x03C1 -> 'p';
            case 0x0441 -> 'c';
            case 0x0443 -> 'y';
            case 0x0445 -> 'x';
            case 0x0456, 0x03B9 -> 'i';
            case 0x0458 -> 'j';
            case 0x0455 -> 's';
            case 0x04BB -> 'h';
            case 0x0501 -> 'd';
            case 0x03BD -> 'v';
            case 0x03C4 -> 't';
            case 0x03BA -> 'k';
            default -> 0;
        };
    }

    /** The letter a leetspeak digit or symbol stands for; else 0. */
    private static char leet(char c) {
        return switch (c) {
            case '0' -> 'o';
            case '1', '!' -> 'i';
            case '3' -> 'e';
            case '4', '@' -> 'a';
            case '5', '$' -> 's';
            case '7' -> 't';
            default -> 0;
        };
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The BMP char's fold when it is one char, else {@link #SEVERAL}. */
    private static char bmpFold(int cp) {
        char known = BMP_FOLDS[cp];
        if (known == 0) {
            String folded = normalized(cp);
            known = folded.length() == 1 && folded.charAt(0) != 0 ? folded.charAt(0) : SEVERAL;
            BMP_FOLDS[cp] = known;
        }
        return known;
    }

    private static String normalized(int cp) {
        return Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** A digit or symbol is read as a letter only inside a word ("1gn0re"), not in "3 rules" or "$5". */
    private static boolean besideLetter(String text, int at) {
        boolean before = at > 0 && Character.isLetter(text.charAt(at - 1));
        boolean after = at + 1 < text.length() && Character.isLetter(text.charAt(at + 1));
        return before || after;
    }
}
