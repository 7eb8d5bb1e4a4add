package dev.cairn.guard;

import java.util.List;

/**
 * One streamed choice through the answer's guard. Each piece of content joins what is still
 * held; what the {@link Holdback} allows is scanned together with the end of what was already
 * sent (so that context words are seen) and passes, redacted; the rest waits for the next piece
 * or {@link #finish()}. A finding that would be cut by the boundary waits whole.
 *
 * <p>The caller's placeholders are restored last, holding back one that is still arriving.
 */
public final class StreamScreen {

    /** How much already-sent text is scanned again as context for the next piece. */
    private static final int CONTEXT = 64;

    private final OutputScreen screen;
    private final int choice;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder unrestored = new StringBuilder();
    private String context = "";
    private int sent;

    StreamScreen(OutputScreen screen, int choice) {
        this.screen = screen;
        this.choice = choice;
    }

    /** Takes the next piece of the answer; returns what may be sent now, possibly empty. */
    public String accept(String piece) {
        pending.append(piece);
        return restore(release(false), false);
    }

    /** The answer has ended: everything still held, screened. */
    public String finish() {
        return restore(release(true), true);
    }

    private String release(boolean all) {
        int safe = all ? pending.length() : Holdback.safeEnd(pending);
        if (safe == 0) {
            return "";
        }
        String window = context + pending;
        int from = context.length();
        int to = from + safe;
        List<Verdict> found = screen.judge(window);
        if (!all) {
            to = uncut(found, from, to);
        }
        if (to == from) {
            return "";
        }
        String passed = screen.pass(choice, window, found, from, to, sent);
        sent += to - from;
        context = window.substring(Math.max(0, to - CONTEXT), to);
        pending.delete(0, to - from);
        return passed;
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
        return screen.restore(ready);
    }
}
