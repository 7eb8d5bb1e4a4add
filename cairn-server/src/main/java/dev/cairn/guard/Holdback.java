package dev.cairn.guard;

/**
 * How much of a streamed answer's unsent tail must wait for the next chunk because a finding may
 * be in the middle of arriving. The smallest safe holdback, by what the scanners look for:
 *
 * <ul>
 *   <li>a token still being written (the text after the last whitespace): keys, e-mail
 *       addresses, JWTs, IP addresses and SSNs contain no whitespace, so a finished word is whole;</li>
 *   <li>short groups of digits and capitals before it, separated by single spaces: card numbers,
 *       IBANs and phone numbers are written in such groups ({@code 4111 1111 …});</li>
 *   <li>a private-key block from its {@code -----BEGIN} until its closing {@code -----END …-----}.</li>
 * </ul>
 *
 * Everything before that can go. A tail that grows past {@link #MAX} (a long run without
 * whitespace, an unterminated key block) is let go down to {@link #KEEP} characters, so a stream
 * never stalls; a finding that this cut splits is still acted on, its rest redacted or blocked
 * when it arrives.
 */
final class Holdback {

    static final int MAX = 8192;
    static final int KEEP = 1024;
    private static final int GROUP = 8;
    private static final int GROUPED = 48;

    private Holdback() {
    }

    /** How much of the pending text may go: its first {@code end} chars; {@code forced} when the holdback gave up. */
    record Cut(int end, boolean forced) {
    }

    /** The prefix of {@code pending} that may be sent now. */
    static Cut safeEnd(CharSequence pending) {
        int end = Math.min(tokenStart(pending), openKeyBlock(pending));
        return pending.length() - end > MAX ? new Cut(pending.length() - KEEP, true) : new Cut(end, false);
    }

    /** Where the trailing unfinished token begins, taking in the short groups written before it. */
    private static int tokenStart(CharSequence text) {
        int end = text.length();
        boolean groupLike = true;
        while (end > 0 && !Character.isWhitespace(text.charAt(end - 1))) {
            groupLike &= isGroupChar(text.charAt(end - 1));
            end--;
        }
        if (!groupLike) {
            return end; // a word no group can continue: the groups before it, if any, are complete
        }
        // Walk back over "group " pieces: 1..GROUP digits, capitals or number punctuation, then one
        // space; as far as the longest grouped finding (an IBAN: 34 characters and its spaces).
        int limit = Math.max(0, end - GROUPED);
        while (end > 1 && end > limit && text.charAt(end - 1) == ' ') {
            int space = end - 1;
            int start = space;
            while (start > 0 && isGroupChar(text.charAt(start - 1)) && space - start < GROUP) {
                start--;
            }
            // A group begins after anything but a letter or digit: "4111, (030, `4111, **4111.
            boolean wholeGroup = start < space && (start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1)));
            if (!wholeGroup) {
                break;
            }
            end = start;
        }
        return end;
    }

    private static boolean isGroupChar(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '+' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/';
    }

    /** Where an unterminated {@code -----BEGIN} block starts, or the text's length when there is none. */
    private static int openKeyBlock(CharSequence text) {
        String s = text.toString();
        int begin = s.lastIndexOf("-----BEGIN");
        if (begin < 0) {
            return s.length();
        }
        int end = s.indexOf("-----END", begin);
        boolean closed = end >= 0 && s.indexOf("-----", end + 8) >= 0;
        return closed ? s.length() : begin;
    }
}
