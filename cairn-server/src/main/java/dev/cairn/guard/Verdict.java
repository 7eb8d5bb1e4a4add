package dev.cairn.guard;

import java.util.Comparator;
import java.util.List;

/** A finding and what the workspace's policy does about it. */
public record Verdict(Finding finding, Action action) {

    /** The same verdict for a finding {@code by} characters further on: a piece's finding placed in its whole text. */
    Verdict shifted(int by) {
        Span span = finding.span();
        return new Verdict(finding.at(new Span(span.start() + by, span.end() + by)), action);
    }

    /** The first blocking rule's category; the learned score's only when no rule blocked, since a rule says more. */
    static String blockingCategory(List<Verdict> verdicts) {
        return verdicts.stream().filter(v -> v.action() == Action.BLOCK)
                .min(Comparator.comparing((Verdict v) -> v.finding().category().equals(InjectionScanner.LEARNED))
                        .thenComparingInt(v -> v.finding().span().start()))
                .map(v -> v.finding().category()).orElse(null);
    }

    static List<Finding> toRedact(List<Verdict> verdicts) {
        return verdicts.stream().filter(v -> v.action() == Action.REDACT).map(Verdict::finding).toList();
    }
}
