package dev.cairn.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link UnicodeScanner} as it was before its scans were sped up (commit 8dc84e6), kept unchanged
 * but for its name as the oracle {@link ScannerEquivalenceTest} holds the fast one to: every
 * pattern run with {@code find()} over the whole text. Its own documentation follows.
 *
 * Unicode used to hide or disguise text from a reader while a model still reads it:
 * <ul>
 *   <li>{@code tag_characters}: U+E0000–U+E007F, invisible copies of ASCII that smuggle whole
 *       instructions (score 1: they have no place in a prompt);</li>
 *   <li>{@code variation_selectors}: the supplementary selectors U+E0100–U+E01EF, which can carry
 *       a hidden byte each ("emoji smuggling"), and runs of more than two basic ones
 *       (U+FE00–U+FE0F), where one after an emoji is ordinary;</li>
 *   <li>{@code bidi_control}: embeddings, overrides and isolates (U+202A–U+202E,
 *       U+2066–U+2069), which make text display in another order than it is read ("Trojan
 *       source"); right-to-left marks alone are ordinary in Arabic and Hebrew text and are left;</li>
 *   <li>{@code zero_width}: zero-width space, joiners, word joiner, Mongolian vowel separator and a
 *       byte-order mark inside the text, which split trigger words so that filters miss them. The
 *       zero-width joiner inside an emoji sequence is ordinary and is left;</li>
 *   <li>{@code homoglyph}: a word mixing Latin letters with Cyrillic or Greek ones that look the
 *       same ("pаypal" with a Cyrillic а).</li>
 * </ul>
 * Each finding covers a run of neighbouring characters of the same kind.
 */
final class ReferenceUnicodeScanner implements Scanner {

    public static final String NAME = "unicode";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Finding> scan(String text, Direction direction) {
        List<Finding> findings = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            String category = category(text, i, cp);
            if (category == null) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            int count = 0;
            while (i < text.length()) {
                int next = text.codePointAt(i);
                if (!category.equals(category(text, i, next))) {
                    break;
                }
                i += Character.charCount(next);
                count++;
            }
            if (category.equals("basic_variation_selectors")) {
                if (count > 2) {
                    findings.add(new Finding(NAME, "variation_selectors", 0.8, new Span(start, i)));
                }
            } else {
                findings.add(new Finding(NAME, category, score(category), new Span(start, i)));
            }
        }
        findings.addAll(homoglyphs(text));
        findings.sort((a, b) -> Integer.compare(a.span().start(), b.span().start()));
        return findings;
    }

    private static String category(String text, int at, int cp) {
        if (cp >= 0xE0000 && cp <= 0xE007F) {
            return "tag_characters";
        }
        if (cp >= 0xE0100 && cp <= 0xE01EF) {
            return "variation_selectors";
        }
        if (cp >= 0xFE00 && cp <= 0xFE0F) {
            return "basic_variation_selectors";
        }
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            return "bidi_control";
        }
        if (cp == 0x200B || cp == 0x200C || cp == 0x2060 || cp == 0x180E || (cp == 0xFEFF && at > 0)) {
            return "zero_width";
        }
        if (cp == 0x200D && !betweenEmoji(text, at)) {
            return "zero_width";
        }
        return null;
    }

    /** A zero-width joiner that glues two emoji (👩‍💻) is how those sequences are written. */
    private static boolean betweenEmoji(String text, int at) {
        if (at == 0 || at + 1 >= text.length()) {
            return false;
        }
        int before = text.codePointBefore(at);
        if (before >= 0xFE00 && before <= 0xFE0F && at >= 2) {
            before = text.codePointBefore(at - 1);
        }
        int after = text.codePointAt(at + 1);
        return isEmoji(before) && isEmoji(after);
    }

    private static boolean isEmoji(int cp) {
        return Character.isEmoji(cp) && cp > 0xFF;
    }

    private static double score(String category) {
        return switch (category) {
            case "tag_characters" -> 1.0;
            case "variation_selectors", "bidi_control" -> 0.9;
            default -> 0.7; // zero_width: also left behind by copy and paste from some editors
        };
    }

    /** Words of letters that mix Latin with Cyrillic or Greek. */
    private static List<Finding> homoglyphs(String text) {
        List<Finding> findings = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!Character.isLetter(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            boolean latin = false;
            boolean lookalike = false;
            while (i < text.length() && Character.isLetter(text.codePointAt(i))) {
                Character.UnicodeScript script = Character.UnicodeScript.of(text.codePointAt(i));
                latin |= script == Character.UnicodeScript.LATIN;
                lookalike |= script == Character.UnicodeScript.CYRILLIC || script == Character.UnicodeScript.GREEK;
                i += Character.charCount(text.codePointAt(i));
            }
            if (latin && lookalike) {
                findings.add(new Finding(NAME, "homoglyph", 0.8, new Span(start, i)));
            }
        }
        return findings;
    }
}
