package dev.cairn.memory.ingest;

import java.text.BreakIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Packs consecutive units of one text (paragraphs, records, lines) into pieces of at most a token
 * budget. A unit too large on its own is cut at its next finer boundary (sentence, then line, then
 * word) and its parts are packed on their own; a word over the budget is a piece of its own, cut
 * into runs of characters only when it is far longer than any word (see {@link #runs}), so a piece never holds part of a cut unit together
 * with a neighbour. A piece is a span of the text, so it holds exactly what the input held.
 */
final class Packer {

    /** Where a unit that does not fit is cut; each level falls back to the next. */
    enum Cut { SENTENCE, LINE, WORD, CHARS, NONE }

    /** The span [start, end) of the text; {@code origin} numbers the caller's unit it came from. */
    record Unit(int start, int end, int origin, Cut cut) {
    }

    /** A packed span and the origins of its first and last units. */
    record Piece(int start, int end, int firstOrigin, int lastOrigin) {
    }

    /** Generous: English averages about four characters to a token. */
    static final int CHARS_PER_TOKEN = 8;

    private final ToIntFunction<String> counter;
    private final String text;

    Packer(ToIntFunction<String> counter, String text) {
        this.counter = counter;
        this.text = text;
    }

    String text(Piece piece) {
        return text.substring(piece.start(), piece.end());
    }

    List<Piece> pack(List<Unit> units, int budget) {
        List<Piece> pieces = new ArrayList<>();
        pack(units, budget, pieces);
        return pieces;
    }

    private void pack(List<Unit> units, int budget, List<Piece> out) {
        Deque<Unit> queue = new ArrayDeque<>(units);
        List<Unit> current = new ArrayList<>();
        // Summing unit counts keeps packing linear; emit() checks the real count of the joined span,
        // because a tokenizer may count a join differently from its parts.
        int estimate = 0;
        while (!queue.isEmpty() || !current.isEmpty()) {
            if (queue.isEmpty()) {
                emit(current, budget, queue, out);
                estimate = 0;
                continue;
            }
            Unit unit = queue.pollFirst();
            int tokens = counter.applyAsInt(text.substring(unit.start(), unit.end()));
            if (!current.isEmpty() && estimate + tokens > budget) {
                queue.addFirst(unit);
                emit(current, budget, queue, out);
                estimate = 0;
            } else if (tokens > budget) {
                if (unit.cut() == Cut.NONE) {
                    out.add(new Piece(unit.start(), unit.end(), unit.origin(), unit.origin()));
                } else {
                    pack(cut(unit, budget), budget, out);
                }
            } else {
                current.add(unit);
                estimate += tokens;
            }
        }
    }

    private void emit(List<Unit> current, int budget, Deque<Unit> queue, List<Piece> out) {
        while (current.size() > 1
                && counter.applyAsInt(text.substring(current.getFirst().start(), current.getLast().end())) > budget) {
            queue.addFirst(current.removeLast());
        }
        Unit first = current.getFirst();
        Unit last = current.getLast();
        out.add(new Piece(first.start(), last.end(), first.origin(), last.origin()));
        current.clear();
    }

    /** The unit's parts at its cut level; each part is cut at the next level if it still does not fit. */
    private List<Unit> cut(Unit unit, int budget) {
        return switch (unit.cut()) {
            case SENTENCE -> sentences(unit);
            case LINE -> lines(unit);
            case WORD -> words(unit);
            case CHARS -> runs(unit, budget);
            case NONE -> List.of(unit);
        };
    }

    private List<Unit> sentences(Unit unit) {
        // Line breaks read as spaces: hard-wrapped prose is cut where sentences end, not where lines do.
        String span = text.substring(unit.start(), unit.end()).replace('\n', ' ');
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(span);
        List<Unit> parts = new ArrayList<>();
        for (int from = sentences.first(), to = sentences.next(); to != BreakIterator.DONE; from = to, to = sentences.next()) {
            addTrimmed(parts, unit.start() + from, unit.start() + to, unit.origin(), Cut.LINE);
        }
        return parts;
    }

    private List<Unit> lines(Unit unit) {
        List<Unit> parts = new ArrayList<>();
        int from = unit.start();
        while (from < unit.end()) {
            int newline = text.indexOf('\n', from);
            int to = newline < 0 || newline > unit.end() ? unit.end() : newline;
            // Leading white space stays: it is the indentation of code, diffs and stack traces.
            int end = to;
            while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (end > from) {
                parts.add(new Unit(from, end, unit.origin(), Cut.WORD));
            }
            from = to + 1;
        }
        return parts;
    }

    private List<Unit> words(Unit unit) {
        List<Unit> parts = new ArrayList<>();
        int i = unit.start();
        while (i < unit.end()) {
            while (i < unit.end() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < unit.end() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                parts.add(new Unit(start, i, unit.origin(), Cut.CHARS));
            }
        }
        return parts;
    }

    /**
     * A word over the budget stays whole (a long URL is one piece) up to {@link #CHARS_PER_TOKEN}
     * characters per token of the budget; one longer than that (a base64 blob, a minified file, a
     * megabyte with no space) is cut into runs of that length, so that no piece is left megabytes
     * long for the tokenizer and the embedding model. A surrogate pair stays whole.
     */
    private List<Unit> runs(Unit unit, int budget) {
        List<Unit> parts = new ArrayList<>();
        int step = (int) Math.min(Integer.MAX_VALUE, Math.max(1L, (long) budget * CHARS_PER_TOKEN));
        if (unit.end() - unit.start() <= step) {
            return List.of(new Unit(unit.start(), unit.end(), unit.origin(), Cut.NONE));
        }
        for (int from = unit.start(); from < unit.end(); ) {
            int to = Math.min(unit.end(), from + step);
            if (to < unit.end() && Character.isHighSurrogate(text.charAt(to - 1))) {
                to++;
            }
            parts.add(new Unit(from, to, unit.origin(), Cut.NONE));
            from = to;
        }
        return parts;
    }

    private void addTrimmed(List<Unit> parts, int start, int end, int origin, Cut cut) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end > start) {
            parts.add(new Unit(start, end, origin, cut));
        }
    }
}
