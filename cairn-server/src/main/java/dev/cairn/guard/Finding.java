package dev.cairn.guard;

/**
 * One thing a scanner found: which scanner, the category (e.g. {@code email},
 * {@code instruction_override}), a score from 0 to 1 (how sure it is), and where it is.
 */
public record Finding(String scanner, String category, double score, Span span) {

    public Finding {
        if (score < 0 || score > 1) {
            throw new IllegalArgumentException("score must be within [0, 1], not " + score);
        }
    }
}
