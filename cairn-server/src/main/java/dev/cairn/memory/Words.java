package dev.cairn.memory;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.tartarus.snowball.ext.PorterStemmer;

/**
 * Text as the full-text index sees it, done in Java because the index only ever gets keyed
 * hashes of the result: words are runs of letters and digits, lower-cased and stripped of
 * diacritics, then Porter-stemmed — what SQLite's {@code porter unicode61} tokenizer did before
 * memory was sealed, so BM25 ranks the same terms as it did then.
 */
final class Words {

    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private Words() {
    }

    /** The words of the text, in order, repeats kept (term frequency and length count for BM25). */
    static List<String> of(String text) {
        String folded = text.toLowerCase(Locale.ROOT);
        if (!folded.chars().allMatch(c -> c < 0x80)) {
            folded = MARKS.matcher(Normalizer.normalize(folded, Normalizer.Form.NFD)).replaceAll("");
        }
        List<String> words = new ArrayList<>();
        for (String word : SEPARATORS.split(folded)) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /** The words' Porter stems, in order. */
    static List<String> stems(List<String> words) {
        PorterStemmer stemmer = new PorterStemmer();
        List<String> stems = new ArrayList<>(words.size());
        for (String word : words) {
            stemmer.setCurrent(word);
            stemmer.stem();
            stems.add(stemmer.getCurrent());
        }
        return stems;
    }
}
