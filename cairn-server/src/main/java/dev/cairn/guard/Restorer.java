package dev.cairn.guard;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Puts the originals back in place of the placeholders of a {@link Redactor#restorer() snapshot}; others are left. */
public record Restorer(Map<String, String> originals) {

    public static final Restorer NONE = new Restorer(Map.of());

    static final Pattern PLACEHOLDER = Pattern.compile("\\[[A-Z0-9_]+_\\d+\\]");
    /** A placeholder cut off by the end of a streamed piece: {@code [EMAIL}, {@code [EMAIL_1}. */
    private static final Pattern OPEN_PLACEHOLDER = Pattern.compile("\\[[A-Z0-9_]{0,40}$");

    public boolean isEmpty() {
        return originals.isEmpty();
    }

    public String restore(String text) {
        if (originals.isEmpty() || text.indexOf('[') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(originals.getOrDefault(m.group(), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** How much of a streamed piece can be restored and sent now: all but a placeholder still arriving. */
    static int safeEnd(CharSequence pending) {
        Matcher open = OPEN_PLACEHOLDER.matcher(pending);
        return open.find() ? open.start() : pending.length();
    }
}
