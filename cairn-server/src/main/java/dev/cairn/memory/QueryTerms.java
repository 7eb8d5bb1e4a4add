package dev.cairn.memory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The words of a query worth matching in full text: split and folded as items are
 * ({@link Words}), without the common English words that every turn contains and that would drown
 * the ranking, at most 32 of them, Porter-stemmed. The repository hashes them under the
 * workspace's key, as it hashed the items' words.
 */
final class QueryTerms {

    private static final Set<String> STOPWORDS = Set.of(
            "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
            "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done",
            "during", "each", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here",
            "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more",
            "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our",
            "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
            "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
            "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
            "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "s", "t", "ll", "re", "ve", "d", "m");

    private QueryTerms() {
    }

    static List<String> of(String query) {
        Set<String> words = new LinkedHashSet<>();
        for (String word : Words.of(query)) {
            if (!STOPWORDS.contains(word)) {
                words.add(word);
                if (words.size() == 32) {
                    break;
                }
            }
        }
        return List.copyOf(new LinkedHashSet<>(Words.stems(List.copyOf(words))));
    }
}
