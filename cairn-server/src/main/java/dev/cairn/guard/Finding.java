package dev.cairn.guard;

import java.util.List;

/**
 * One thing a scanner found: which scanner, the category (e.g. {@code email},
 * {@code instruction_override}), a score from 0 to 1 (how sure it is), where it is, and the evidence
 * that weighed most when the span alone does not show why: the learned injection scorer names the
 * words and word pairs that pushed its score up most, since its span is the whole text. Rules
 * match where they point, so theirs is empty.
 */
public record Finding(String scanner, String category, double score, Span span, List<String> evidence) {

    public Finding {
        if (score < 0 || score > 1) {
            throw new IllegalArgumentException("score must be within [0, 1], not " + score);
        }
        evidence = List.copyOf(evidence);
    }

    /** A finding whose span is its explanation. */
    public Finding(String scanner, String category, double score, Span span) {
        this(scanner, category, score, span, List.of());
    }

    /** The same finding at another span: a piece's finding placed in its whole text. */
    public Finding at(Span other) {
        return new Finding(scanner, category, score, other, evidence);
    }
}
