package dev.cairn.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer's guard for one request: scans what the model says under the workspace's output
 * policy and looks for the request's canary, redacting with the request's own {@link Redactor} so
 * that a value keeps its placeholder both ways. Keeps every verdict (spans are positions in the
 * model's answer as it came) and, per choice, the text as it passed the guard, for memory. A
 * streamed answer goes through one {@link StreamScreen} per choice.
 *
 * <p>Blocking is the caller's to do: it asks {@link #blocked()} after each piece. Confined to the
 * request's thread.
 */
public final class OutputScreen {

    private final Guard guard;
    private final String workspace;
    private final Redactor redactor;
    private final Canary canary;
    private final PolicyRule canaryRule;
    private final Restorer restorer;
    private final List<Verdict> verdicts = new ArrayList<>();
    private final Map<Integer, StringBuilder> screened = new HashMap<>();
    private Action action = Action.ALLOW;

    OutputScreen(Guard guard, String workspace, Redactor redactor, Canary canary, Restorer restorer) {
        this.guard = guard;
        this.workspace = workspace;
        this.redactor = redactor;
        this.canary = canary;
        this.canaryRule = canary == null ? null : guard.rule(workspace, Canary.SCANNER);
        this.restorer = restorer;
    }

    /** A whole answer's text (one choice of an answer that was not streamed), as it may pass. */
    public String screen(int choice, String text) {
        return pass(choice, text, 0, text.length(), 0);
    }

    public StreamScreen stream(int choice) {
        return new StreamScreen(this, choice);
    }

    /** The caller's own values back in place of their placeholders, when the request asked for that. */
    public String restore(String text) {
        return restorer.restore(text);
    }

    public boolean restores() {
        return !restorer.isEmpty();
    }

    public boolean blocked() {
        return action == Action.BLOCK;
    }

    public String blockingCategory() {
        return verdicts.stream().filter(v -> v.action() == Action.BLOCK).map(v -> v.finding().category()).findFirst().orElse(null);
    }

    public List<Verdict> verdicts() {
        return List.copyOf(verdicts);
    }

    /** What passed the guard of a choice's text (redacted, not restored); null when nothing of it passed. */
    public String screenedText(int choice) {
        StringBuilder text = screened.get(choice);
        return text == null ? null : text.toString();
    }

    /** Every verdict in {@code window}, with the policy's action; canary findings included. */
    List<Verdict> judge(String window) {
        List<Verdict> found = new ArrayList<>(guard.judge(workspace, window, Scanner.Direction.OUTPUT));
        if (canary != null) {
            canary.find(window).forEach(f -> found.add(new Verdict(f, canaryRule.actionFor(f))));
        }
        return found;
    }

    /**
     * Lets {@code window[from, to)} pass: its verdicts (those starting in it) are recorded at
     * {@code offset} (where {@code from} is in the whole answer) and its redactions applied.
     */
    String pass(int choice, String window, int from, int to, int offset) {
        return pass(choice, window, judge(window), from, to, offset);
    }

    String pass(int choice, String window, List<Verdict> found, int from, int to, int offset) {
        List<Verdict> here = new ArrayList<>();
        for (Verdict verdict : found) {
            int start = verdict.finding().span().start();
            if (start >= from && start < to) {
                here.add(verdict.shifted(-from));
                verdicts.add(verdict.shifted(offset - from));
                action = action.atLeast(verdict.action());
            }
        }
        String piece = window.substring(from, to);
        List<Finding> toRedact = Verdict.toRedact(here);
        String passed = toRedact.isEmpty() ? piece : redactor.redact(piece, clip(toRedact, piece.length())).text();
        screened.computeIfAbsent(choice, c -> new StringBuilder()).append(passed);
        return passed;
    }

    /** Findings that run past the piece (only possible when a stream's holdback gave up) end with it. */
    private static List<Finding> clip(List<Finding> findings, int length) {
        return findings.stream().map(f -> f.span().end() <= length ? f
                : new Finding(f.scanner(), f.category(), f.score(), new Span(f.span().start(), length))).toList();
    }
}
