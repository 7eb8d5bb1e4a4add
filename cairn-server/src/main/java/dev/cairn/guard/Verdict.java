package dev.cairn.guard;

import java.util.List;

/** A finding and what the workspace's policy does about it. */
public record Verdict(Finding finding, Action action) {

    /** The same verdict for a finding {@code by} characters further on: a piece's finding placed in its whole text. */
    Verdict shifted(int by) {
        Span span = finding.span();
        return new Verdict(new Finding(finding.scanner(), finding.category(), finding.score(),
                new Span(span.start() + by, span.end() + by)), action);
    }

    static List<Finding> toRedact(List<Verdict> verdicts) {
        return verdicts.stream().filter(v -> v.action() == Action.REDACT).map(Verdict::finding).toList();
    }
}
