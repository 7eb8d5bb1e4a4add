package dev.cairn.guard.learned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A text as the learned injection model sees it: the set of its words and word pairs (lower case;
 * letters and digits make words, and a few punctuation marks that chat-template and code tricks
 * use count as words), each hashed into one of {@link #DIMENSIONS} slots. Binary and scaled to
 * unit length, so that a long text does not score higher for being long.
 *
 * <p>Hashing keeps the model a flat array with no vocabulary to ship; collisions at 2^18 slots for
 * a few tens of thousands of distinct features cost next to nothing. (Character 3- and 4-grams,
 * sentence-opening words, skip pairs and dropping function words were tried and dropped: on
 * templates held out of training, {@code bench/guard-heldout.sh}, none did better.)
 */
public record TextFeatures(int[] slots, float value, int words) {

    public static final int DIMENSIONS = 1 << 18;
    /** Words looked at: the first 4,096, some 20 KB of text; the scanner scores a longer text's end as well. */
    public static final int MAX_WORDS = 4096;

    public static TextFeatures of(CharSequence text) {
        // Each word takes a letter or digit and each mark a char of its own, so a text has no more words than chars.
        int[] words = new int[Math.min(MAX_WORDS, text.length() + 1)];
        Slots slots = new Slots(2 * words.length);
        int count = 0;
        int hash = 0;
        int start = -1;
        for (int i = 0; i <= text.length() && count < MAX_WORDS; i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            // ASCII answered without the Unicode tables, as they would answer: most text is ASCII.
            if (c < 0x80 ? isAsciiLetterOrDigit(c) : Character.isLetterOrDigit(c)) {
                hash = mix(hash, c < 0x80 ? lowerAscii(c) : Character.toLowerCase(c));
                start = start < 0 ? i : start;
                continue;
            }
            if (start >= 0) {
                words[count++] = hash;
                hash = 0;
                start = -1;
            }
            if (isMark(c) && count < MAX_WORDS) {
                words[count++] = mix(0x5bd1e995, c);
            }
        }
        for (int i = 0; i < count; i++) {
            slots.add(slot(words[i]));
            if (i + 1 < count) {
                slots.add(slot(mix(words[i] * 31 + 0x9e3779b9, words[i + 1])));
            }
        }
        int[] unique = slots.distinct();
        return new TextFeatures(unique, unique.length == 0 ? 0f : (float) (1 / Math.sqrt(unique.length)), count);
    }

    /**
     * The text's features as readable n-grams, each with its slot: what an explanation names. Read
     * exactly as {@link #of} reads (same words, same hashes), but it builds strings, so it is for
     * the few texts whose score is explained, not for every scan.
     */
    public static Map<Integer, String> grams(CharSequence text) {
        List<String> words = new ArrayList<>();
        List<Integer> hashes = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int hash = 0;
        for (int i = 0; i <= text.length() && hashes.size() < MAX_WORDS; i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (c < 0x80 ? isAsciiLetterOrDigit(c) : Character.isLetterOrDigit(c)) {
                char lower = c < 0x80 ? lowerAscii(c) : Character.toLowerCase(c);
                hash = mix(hash, lower);
                word.append(lower);
                continue;
            }
            if (!word.isEmpty()) {
                words.add(word.toString());
                hashes.add(hash);
                hash = 0;
                word.setLength(0);
            }
            if (isMark(c) && hashes.size() < MAX_WORDS) {
                words.add(String.valueOf(c));
                hashes.add(mix(0x5bd1e995, c));
            }
        }
        Map<Integer, String> grams = new LinkedHashMap<>();
        for (int i = 0; i < hashes.size(); i++) {
            grams.putIfAbsent(slot(hashes.get(i)), words.get(i));
            if (i + 1 < hashes.size()) {
                grams.putIfAbsent(slot(mix(hashes.get(i) * 31 + 0x9e3779b9, hashes.get(i + 1))), words.get(i) + " " + words.get(i + 1));
            }
        }
        return grams;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Characters that carry meaning in injections: template tokens, fences, roles, headers. */
    private static boolean isMark(char c) {
        return c == '<' || c == '>' || c == '|' || c == '[' || c == ']' || c == '#' || c == '`' || c == ':' || c == '"' || c == '{';
    }

    private static int mix(int hash, int value) {
        int h = (hash ^ value) * 0x01000193;
        return h ^ (h >>> 15);
    }

    private static int slot(int hash) {
        int h = hash * 0x9e3779b1;
        return (h ^ (h >>> 16)) & (DIMENSIONS - 1);
    }

    /** A growing list of slots. */
    private static final class Slots {
        private int[] items;
        private int size;

        Slots(int capacity) {
            items = new int[capacity];
        }

        void add(int slot) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = slot;
        }

        int[] distinct() {
            int[] sorted = Arrays.copyOf(items, size);
            Arrays.sort(sorted);
            int n = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (n == 0 || sorted[n - 1] != sorted[i]) {
                    sorted[n++] = sorted[i];
                }
            }
            return Arrays.copyOf(sorted, n);
        }
    }
}
