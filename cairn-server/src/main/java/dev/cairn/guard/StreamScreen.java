package dev.cairn.guard;

import java.util.List;

/**
 * One streamed part of an answer through the answer's guard. Each piece joins what is still held;
 * what the {@link Holdback} allows is scanned together with the end of what was already sent (so
 * that context words, and an AWS key's id for its secret, are seen) and passes, redacted; the rest
 * waits for the next piece or {@link #finish()}. A finding that the boundary would cut waits whole,
 * unless the holdback had to give up.
 *
 * <p>The caller's placeholders are restored last, holding back one that is still arriving.
 */
public final class StreamScreen {

    /** Already-sent text scanned again as context: more than an AWS secret's reach to its key id. */
    private static final int CONTEXT = SecretScanner.AWS_PAIR_DISTANCE + 56;

    private final OutputScreen screen;
    private final OutputScreen.Part part;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder unrestored = new StringBuilder();
    private String context = "";
    private int sent;
    private boolean altered;
    /** A redacted token was cut by a forced release: the rest of it, as it arrives, is dropped too. */
    private boolean swallowing;

    StreamScreen(OutputScreen screen, OutputScreen.Part part) {
        this.screen = screen;
        this.part = part;
    }

    /** Takes the next piece of the part's text; returns what may be sent now, possibly empty. */
    public String accept(String piece) {
        pending.append(piece);
        return restore(release(false), false);
    }

    /** The part has ended: everything still held, screened. */
    public String finish() {
        return restore(release(true), true);
    }

    /** How much of the model's text has been let through so far, in chars as it came. */
    public int released() {
        return sent;
    }

    /**
     * Whether the guard changed any text let through since the last call (a redaction, a restored
     * value): its token log-probabilities would tell what the text was.
     */
    public boolean takeAltered() {
        boolean was = altered;
        altered = false;
        return was;
    }

    private String release(boolean all) {
        if (swallowing && !swallowRest()) {
            return "";
        }
        Holdback.Cut cut = all ? new Holdback.Cut(pending.length(), true) : Holdback.safeEnd(pending);
        if (cut.end() == 0) {
            return "";
        }
        String window = context + pending;
        int from = context.length();
        int to = from + cut.end();
        List<Verdict> found = screen.judge(window);
        if (!cut.forced()) {
            to = uncut(found, from, to);
        } else {
            int end = to;
            swallowing = found.stream().anyMatch(v -> v.action() == Action.REDACT
                    && v.finding().span().start() < end && v.finding().span().end() > end);
        }
        if (to == from) {
            return "";
        }
        String passed = screen.pass(part, window, found, from, to, sent);
        altered |= !passed.contentEquals(window.subSequence(from, to));
        sent += to - from;
        context = window.substring(Math.max(0, to - CONTEXT), to);
        pending.delete(0, to - from);
        return passed;
    }

    /**
     * Drops the rest of a redacted token cut by a forced release, up to the whitespace that ends
     * it; whether the token has ended, so that what follows may be released.
     */
    private boolean swallowRest() {
        int end = 0;
        while (end < pending.length() && !Character.isWhitespace(pending.charAt(end))) {
            end++;
        }
        pending.delete(0, end);
        sent += end;
        context = "";
        swallowing = pending.isEmpty();
        return !swallowing;
    }

    /** Moves the boundary back to the start of any finding that crosses it, until none does. */
    private static int uncut(List<Verdict> found, int from, int to) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Verdict verdict : found) {
                int start = verdict.finding().span().start();
                if (start >= from && start < to && verdict.finding().span().end() > to) {
                    to = start;
                    moved = true;
                }
            }
        }
        return to;
    }

    private String restore(String passed, boolean all) {
        if (!screen.restores()) {
            return passed;
        }
        unrestored.append(passed);
        int safe = all ? unrestored.length() : Restorer.safeEnd(unrestored);
        String ready = unrestored.substring(0, safe);
        unrestored.delete(0, safe);
        String restored = screen.restore(ready);
        altered |= !restored.equals(ready);
        return restored;
    }
}
