package dev.cairn.guard;

import java.util.List;

/**
 * What the guard decided about one text: the most severe action of its verdicts, every verdict,
 * and the text with the findings whose action is {@code redact} replaced by placeholders (the
 * text itself when nothing is redacted).
 */
public record GuardResult(Action action, List<Verdict> verdicts, String redactedText) {
}
