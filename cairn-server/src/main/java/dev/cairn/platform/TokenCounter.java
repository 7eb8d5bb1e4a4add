package dev.cairn.platform;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.springframework.stereotype.Component;

/**
 * Counts tokens as OpenAI's cl100k_base tokenizer does (jtokkit), so token budgets hold for the
 * models behind the gateway rather than for a characters-per-token guess.
 */
@Component
public class TokenCounter {

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    /**
     * Texts longer than this are counted a slice at a time. The tokenizer's cost and memory grow
     * faster than the length of one run without spaces (a megabyte of base64 is one such run, and it
     * ran the heap out), so a slice ends before white space in its second half where there is any, and
     * is cut hard where there is none; the count can then differ from the whole text's by a token
     * or so per cut.
     */
    static final int SLICE = 4096;

    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (text.length() <= SLICE) {
            return encoding.countTokensOrdinary(text);
        }
        int tokens = 0;
        for (int from = 0; from < text.length(); ) {
            int to = sliceEnd(text, from);
            tokens += encoding.countTokensOrdinary(text.substring(from, to));
            from = to;
        }
        return tokens;
    }

    private static int sliceEnd(String text, int from) {
        int limit = from + SLICE;
        if (limit >= text.length()) {
            return text.length();
        }
        for (int i = limit; i > from + SLICE / 2; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i; // the next slice opens with the space, which the tokenizer joins to the word after it
            }
        }
        return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
    }
}
