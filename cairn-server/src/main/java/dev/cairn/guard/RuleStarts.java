package dev.cairn.guard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where in a {@link ReadingView}'s text the {@link InjectionScanner}'s patterns can begin, found in
 * one pass over it, so that each pattern is tried there only ({@link Starts}):
 * <ul>
 *   <li>a rule's match begins with one of its leads (the words and symbols its pattern opens with);
 *       a lead that is a word only where a word can begin, as the pattern puts {@code \b} before it;</li>
 *   <li>a rule with a multi-line {@code ^} branch can also begin at a line start, when what follows
 *       the line's white space begins with one of its line leads;</li>
 *   <li>the same for the text's rot13, which the rules are matched against too. Rot13 maps letters
 *       to letters and leaves every other char, white space and word boundaries alike, so its rot13
 *       has a lead at a place exactly where the text has the lead's rot13: no need to build the
 *       rot13 before knowing that a rule can match it;</li>
 *   <li>a spaced-out word ("i g n o r e") begins with a letter that no ASCII word char precedes
 *       (the pattern opens with {@code \b}) and a gap char follows: in prose, a one-letter word.</li>
 * </ul>
 * The lists hold every place where a match can begin and some where it cannot; the patterns decide.
 */
final class RuleStarts {

    /** Where, in one text, each rule (by index) and the spaced-word pattern can begin. */
    record Found(Starts[] plain, Starts[] rot13, Starts spaced) {

        boolean anyRot13() {
            for (Starts s : rot13) {
                if (!s.isEmpty()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A lead of rule {@code rule} as it reads in the text ({@code rot13} false) or in its rot13. */
    private record Lead(int rule, boolean rot13, String text) {

        /** Whether the lead is at {@code p}, whose char is known to be its first: a plain loop, as leads are short. */
        boolean at(String in, int p) {
            if (p + text.length() > in.length()) {
                return false;
            }
            for (int k = 1; k < text.length(); k++) {
                if (in.charAt(p + k) != text.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Leads by their first char (all are ASCII), with a mask of the chars they go on with, so that
     * the many places where a text has a lead's first char but not its second are passed over at once.
     */
    private static final class Index {
        private final Lead[][] byFirst = new Lead[128][];
        private final long[] seconds = new long[2 * 128];

        void add(Lead lead) {
            char first = lead.text().charAt(0);
            List<Lead> entries = new ArrayList<>(byFirst[first] == null ? List.of() : Arrays.asList(byFirst[first]));
            entries.add(lead);
            byFirst[first] = entries.toArray(Lead[]::new);
            if (lead.text().length() == 1) {
                seconds[2 * first] = seconds[2 * first + 1] = -1L; // any char, or none, may follow
            } else if (lead.text().charAt(1) < 128) {
                seconds[2 * first + lead.text().charAt(1) / 64] |= 1L << lead.text().charAt(1);
            } else {
                throw new IllegalArgumentException("a lead's first two chars are ASCII: " + lead.text());
            }
        }

        /** The leads whose first two chars may be at {@code p}, or null. */
        Lead[] at(String text, int p) {
            char first = text.charAt(p);
            if (first >= 128 || byFirst[first] == null) {
                return null;
            }
            char second = p + 1 < text.length() ? text.charAt(p + 1) : 0;
            return second < 128 && (seconds[2 * first + second / 64] & 1L << second) != 0 ? byFirst[first] : null;
        }
    }

    private final int rules;
    /** Words, looked for only where a word can begin; symbols, anywhere; line leads, after a line start's white space. */
    private final Index words = new Index();
    private final Index symbols = new Index();
    private final Index lineLeads = new Index();

    /**
     * @param leads     per rule, the words and symbols its matches begin with
     * @param lineLeads per rule, what a match of its {@code ^} branch begins with after a line start and white space; empty when it has none
     */
    RuleStarts(List<List<String>> leads, List<List<String>> lineLeads) {
        this.rules = leads.size();
        for (int r = 0; r < rules; r++) {
            for (String lead : leads.get(r)) {
                index(Character.isLetter(lead.charAt(0)) ? words : symbols, r, lead);
            }
            for (String lead : lineLeads.get(r)) {
                index(this.lineLeads, r, lead);
            }
        }
    }

    private static void index(Index index, int rule, String lead) {
        index.add(new Lead(rule, false, lead));
        index.add(new Lead(rule, true, rot13(lead)));
    }

    Found find(String text) {
        Starts[] plain = new Starts[rules];
        Starts[] rot13 = new Starts[rules];
        Arrays.setAll(plain, r -> new Starts());
        Arrays.setAll(rot13, r -> new Starts());
        Starts spaced = new Starts();
        int length = text.length();
        int afterSpace = -1; // where the last run of white space walked from a line start ends
        for (int p = 0; p < length; p++) {
            char before = p > 0 ? text.charAt(p - 1) : '\n';
            char c = text.charAt(p);
            // Where a multi-line ^ can match: at the start, or after any line terminator (the pattern
            // itself declines the place between \r and \n).
            if (before == '\n' || before == '\r' || before == '\u0085' || before == '\u2028' || before == '\u2029') {
                if (afterSpace < p) {
                    afterSpace = p;
                    while (afterSpace < length && isSpace(text.charAt(afterSpace))) {
                        afterSpace++;
                    }
                }
                if (afterSpace < length) {
                    add(lineLeads.at(text, afterSpace), text, afterSpace, p, plain, rot13);
                }
            }
            add(symbols.at(text, p), text, p, p, plain, rot13);
            // An ASCII letter, digit or _ before a word makes \b fail there; anything else the pattern judges.
            if (isAsciiWord(before)) {
                continue;
            }
            add(words.at(text, p), text, p, p, plain, rot13);
            if (c >= 'a' && c <= 'z' && p + 1 < length && isGap(text.charAt(p + 1))) {
                spaced.add(p);
            }
        }
        return new Found(plain, rot13, spaced);
    }

    /** Adds {@code start} for each of the leads found at {@code at}. */
    private static void add(Lead[] leads, String text, int at, int start, Starts[] plain, Starts[] rot13) {
        if (leads == null) {
            return;
        }
        for (Lead lead : leads) {
            if (lead.at(text, at)) {
                (lead.rot13() ? rot13 : plain)[lead.rule()].add(start);
            }
        }
    }

    /** Whether {@code c} is a word char to {@code \w}, and so, being ASCII, to {@code \b} too. */
    private static boolean isAsciiWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** {@code \s}: ASCII white space. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** The spaced-word pattern's gap chars: {@code [\s.\-_*]}. */
    private static boolean isGap(char c) {
        return isSpace(c) || c == '.' || c == '-' || c == '_' || c == '*';
    }

    static String rot13(String text) {
        char[] out = text.toCharArray();
        for (int i = 0; i < out.length; i++) {
            char c = out[i];
            if (c >= 'a' && c <= 'z') {
                out[i] = (char) ('a' + (c - 'a' + 13) % 26);
            }
        }
        return new String(out);
    }
}
