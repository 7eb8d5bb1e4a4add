package dev.cairn.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer's guard for one request: scans what the model says under the workspace's output
 * policy and looks for the request's canary, redacting with the request's own {@link Redactor} so
 * that a value keeps its placeholder both ways. Every text of the answer is screened as its own
 * {@link Part}: each choice's content and refusal, and each tool call's arguments. Keeps every
 * verdict with its part (spans are positions in the part's text as the model gave it) and each
 * choice's content as it passed, for memory. A streamed part goes through its own
 * {@link StreamScreen}.
 *
 * <p>Blocking is the caller's to do: it asks {@link #blocked()} after each piece. Confined to the
 * request's thread.
 */
public final class OutputScreen {

    /**
     * One text of the answer: a choice's {@code content} or {@code refusal}, or the arguments of
     * one of its tool calls ({@code call} is the tool call's index, -1 for the others).
     */
    public record Part(int choice, String field, int call) {

        public static Part content(int choice) {
            return new Part(choice, "content", -1);
        }

        public static Part refusal(int choice) {
            return new Part(choice, "refusal", -1);
        }

        public static Part toolArguments(int choice, int call) {
            return new Part(choice, "arguments", call);
        }

        public boolean isToolArguments() {
            return call >= 0;
        }

        /** Where the text is in a choice's message: {@code content}, {@code tool_calls[0].function.arguments}. */
        public String path() {
            return isToolArguments() ? "tool_calls[" + call + "].function.arguments" : field;
        }
    }

    /** A verdict on the answer and the part it was found in. */
    public record Located(Part part, Verdict verdict) {
    }

    private final Guard guard;
    private final String workspace;
    private final Redactor redactor;
    private final Canary canary;
    private final PolicyRule canaryRule;
    private final Restorer restorer;
    private final List<Located> verdicts = new ArrayList<>();
    /** What was recorded, by part, start and category: a finding seen again in a later window counts once. */
    private final Set<String> recorded = new HashSet<>();
    private final Map<Integer, StringBuilder> contents = new HashMap<>();
    private Action action = Action.ALLOW;

    OutputScreen(Guard guard, String workspace, Redactor redactor, Canary canary, Restorer restorer) {
        this.guard = guard;
        this.workspace = workspace;
        this.redactor = redactor;
        this.canary = canary;
        this.canaryRule = canary == null ? null : guard.rule(workspace, Canary.SCANNER);
        this.restorer = restorer;
    }

    /** The canary to plant in the prompt; null when the workspace's policy wants none. */
    public Canary canary() {
        return canary;
    }

    /** A whole text of an answer that was not streamed, as it may pass (redacted, not restored). */
    public String screen(Part part, String text) {
        return pass(part, text, judge(text), 0, text.length(), 0);
    }

    public StreamScreen stream(Part part) {
        return new StreamScreen(this, part);
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
        return Verdict.blockingCategory(verdicts.stream().map(Located::verdict).toList());
    }

    public List<Located> verdicts() {
        return List.copyOf(verdicts);
    }

    /** What passed the guard of a choice's content (redacted, not restored); null when nothing of it passed. */
    public String screenedText(int choice) {
        StringBuilder text = contents.get(choice);
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
     * Lets {@code window[from, to)} pass: the verdicts that reach into it are recorded at
     * {@code offset} (where {@code from} is in the part's whole text) and its redactions applied.
     * A finding that began in text already sent (possible only when a stream's holdback had to
     * give up, or missed a way of writing a number) is still recorded and acted on: its blocking
     * stops the rest, its redaction covers the part not yet sent.
     */
    String pass(Part part, String window, List<Verdict> found, int from, int to, int offset) {
        List<Finding> toRedact = new ArrayList<>();
        for (Verdict verdict : found) {
            Span span = verdict.finding().span();
            if (span.end() <= from || span.start() >= to) {
                continue;
            }
            Verdict placed = verdict.shifted(offset - from);
            if (recorded.add(part + "@" + placed.finding().span().start() + ":" + verdict.finding().category())) {
                verdicts.add(new Located(part, placed));
                action = action.atLeast(verdict.action());
            }
            if (verdict.action() == Action.REDACT) {
                toRedact.add(new Finding(verdict.finding().scanner(), verdict.finding().category(), verdict.finding().score(),
                        new Span(Math.max(span.start(), from) - from, Math.min(span.end(), to) - from)));
            }
        }
        String piece = window.substring(from, to);
        String passed = toRedact.isEmpty() ? piece : redactor.redact(piece, toRedact).text();
        if (part.equals(Part.content(part.choice()))) {
            contents.computeIfAbsent(part.choice(), c -> new StringBuilder()).append(passed);
        }
        return passed;
    }
}
