package dev.cairn.memory.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.cairn.memory.ingest.Packer.Cut;
import dev.cairn.memory.ingest.Packer.Unit;

/**
 * A text with its line endings made {@code \n} and the offsets of its lines, so chunkers can
 * address lines by number and cut the text into spans that are exactly what the input held.
 */
final class Lines {

    private final String text;
    private final int[] starts;
    private final int count;

    private Lines(String text) {
        this.text = text;
        int[] found = new int[16];
        int n = 0;
        int start = 0;
        while (true) {
            if (n == found.length) {
                found = Arrays.copyOf(found, n * 2);
            }
            found[n++] = start;
            int newline = text.indexOf('\n', start);
            if (newline < 0) {
                break;
            }
            start = newline + 1;
        }
        this.starts = found;
        this.count = n;
    }

    /** Reads {@code raw} with Windows ({@code \r\n}) and old Mac ({@code \r}) line endings and a leading BOM. */
    static Lines of(String raw) {
        return new Lines(normalize(raw));
    }

    static String normalize(String raw) {
        String text = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
        return text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
    }

    String text() {
        return text;
    }

    int count() {
        return count;
    }

    int start(int line) {
        return starts[line];
    }

    /** Where the line ends, before its {@code \n}. */
    int end(int line) {
        return line + 1 < count ? starts[line + 1] - 1 : text.length();
    }

    String line(int line) {
        return text.substring(start(line), end(line));
    }

    boolean blank(int line) {
        for (int i = start(line), end = end(line); i < end; i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The line holding {@code offset}, counted from 0. */
    int lineAt(int offset) {
        int found = Arrays.binarySearch(starts, 0, count, offset);
        return found >= 0 ? found : -found - 2;
    }

    /** Lines {@code from} (inclusive) to {@code to} (exclusive), without a trailing newline. */
    String span(int from, int to) {
        return text.substring(start(from), end(to - 1));
    }

    /**
     * The runs of non-blank lines between {@code from} and {@code to}, one unit each, numbered from 0;
     * a unit that does not fit is cut at {@code cut}.
     */
    List<Unit> paragraphs(int from, int to, Cut cut) {
        List<Unit> paragraphs = new ArrayList<>();
        int line = from;
        while (line < to) {
            if (blank(line)) {
                line++;
                continue;
            }
            int first = line;
            while (line < to && !blank(line)) {
                line++;
            }
            paragraphs.add(new Unit(start(first), end(line - 1), paragraphs.size(), cut));
        }
        return paragraphs;
    }

    /** Each non-blank line between {@code from} and {@code to} as a unit of its own, cut at words. */
    List<Unit> lineUnits(int from, int to) {
        List<Unit> units = new ArrayList<>();
        for (int line = from; line < to; line++) {
            if (!blank(line)) {
                units.add(new Unit(start(line), end(line), 0, Cut.WORD));
            }
        }
        return units;
    }
}
