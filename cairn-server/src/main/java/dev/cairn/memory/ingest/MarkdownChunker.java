package dev.cairn.memory.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.cairn.memory.ingest.Packer.Cut;
import dev.cairn.memory.ingest.Packer.Piece;
import dev.cairn.memory.ingest.Packer.Unit;

/**
 * Cuts Markdown into one chunk per section: a heading (ATX {@code #} to {@code ######}, or setext
 * {@code ===}/{@code ---} under a one-line paragraph) and what follows it up to the next heading.
 * Lines inside fenced code are never headings. A heading with nothing under it but a deeper heading
 * goes into that heading's chunk, so no chunk is a bare title. A section over the limit is cut into
 * runs of whole blocks (paragraphs and code fences), each part headed by the section's heading so it
 * reads alone; a paragraph still too long is cut at sentences, a fence at lines, each of its parts
 * opened and closed like the original fence.
 */
final class MarkdownChunker {

    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?=[ \\t]|$)(.*)$");
    private static final Pattern ATX_CLOSING = Pattern.compile("(?:^|[ \\t]+)#+$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern FENCE_OPEN = Pattern.compile("^( {0,3})(`{3,}|~{3,})(.*)$");
    /** Lines that cannot be a setext heading's text: list items, block quotes and indented code. */
    private static final Pattern NOT_HEADING_TEXT = Pattern.compile("^(?: {4}|\\t| {0,3}(?:[-*+>]|\\d{1,9}[.)])(?:[ \\t]|$))");

    private enum Kind { BLANK, TEXT, HEADING, FENCE }

    private record Heading(int level, String text, int first, int last) {
    }

    /** A fenced code block from its opening line to its closing line, or to the end when never closed. */
    private record Fence(int open, int last, boolean closed) {
    }

    /** A paragraph or a fence (then {@code fence} is set), as lines. */
    private record Block(int first, int last, Fence fence) {
    }

    private final Lines lines;
    private final Budget budget;
    private final String source;
    private final Packer packer;
    private final List<Heading> headings = new ArrayList<>();
    private final Map<Integer, Fence> fences = new HashMap<>();
    private final List<Chunk> chunks = new ArrayList<>();

    private MarkdownChunker(Lines lines, Budget budget, String source) {
        this.lines = lines;
        this.budget = budget;
        this.source = source;
        this.packer = budget.packer(lines.text());
    }

    static List<Chunk> chunk(Lines lines, Budget budget, String source) {
        MarkdownChunker chunker = new MarkdownChunker(lines, budget, source);
        chunker.scan();
        chunker.cut();
        return chunker.chunks;
    }

    private void scan() {
        Kind[] kinds = new Kind[lines.count()];
        for (int i = 0; i < lines.count(); i++) {
            String line = lines.line(i);
            Matcher fence = FENCE_OPEN.matcher(line);
            // A backtick fence's info string may not hold a backtick (CommonMark), so ```x``` is inline code.
            if (fence.matches() && !(fence.group(2).charAt(0) == '`' && fence.group(3).contains("`"))) {
                Fence block = fence(i, fence.group(2));
                fences.put(i, block);
                for (int j = i; j <= block.last(); j++) {
                    kinds[j] = Kind.FENCE;
                }
                i = block.last();
                continue;
            }
            Matcher atx = ATX.matcher(line);
            if (lines.blank(i)) {
                kinds[i] = Kind.BLANK;
            } else if (atx.matches()) {
                String text = ATX_CLOSING.matcher(atx.group(2).strip()).replaceFirst("").strip();
                headings.add(new Heading(atx.group(1).length(), text, i, i));
                kinds[i] = Kind.HEADING;
            } else if (SETEXT_UNDERLINE.matcher(line).matches() && underlinesParagraphLine(kinds, i)) {
                headings.add(new Heading(line.strip().charAt(0) == '=' ? 1 : 2, lines.line(i - 1).strip(), i - 1, i));
                kinds[i - 1] = Kind.HEADING;
                kinds[i] = Kind.HEADING;
            } else {
                kinds[i] = Kind.TEXT;
            }
        }
    }

    private Fence fence(int open, String marker) {
        Pattern closing = Pattern.compile("^ {0,3}" + Pattern.quote(marker.substring(0, 1)) + "{" + marker.length() + ",}[ \\t]*$");
        for (int j = open + 1; j < lines.count(); j++) {
            if (closing.matcher(lines.line(j)).matches()) {
                return new Fence(open, j, true);
            }
        }
        int last = lines.count() - 1;
        while (last > open && lines.blank(last)) {
            last--;
        }
        return new Fence(open, last, false);
    }

    /**
     * Whether the underline at {@code i} makes the line above a heading. Only a paragraph of that one
     * line qualifies; under a longer paragraph, after a list item or after YAML front matter's
     * opening {@code ---}, a {@code ---} is a rule or a delimiter, kept as text.
     */
    private boolean underlinesParagraphLine(Kind[] kinds, int i) {
        return i >= 1 && kinds[i - 1] == Kind.TEXT && !NOT_HEADING_TEXT.matcher(lines.line(i - 1)).lookingAt()
                && (i < 2 || kinds[i - 2] != Kind.TEXT);
    }

    private void cut() {
        int firstHeading = headings.isEmpty() ? lines.count() : headings.getFirst().first();
        List<Block> preamble = blocks(0, firstHeading);
        if (!preamble.isEmpty()) {
            add(pack(preamble, List.of(), budget.max()), null, null, null);
        }
        List<Heading> path = new ArrayList<>();
        int mergedFrom = -1;
        for (int k = 0; k < headings.size(); k++) {
            Heading heading = headings.get(k);
            while (!path.isEmpty() && path.getLast().level() >= heading.level()) {
                path.removeLast();
            }
            path.add(heading);
            int end = k + 1 < headings.size() ? headings.get(k + 1).first() : lines.count();
            List<Block> body = blocks(heading.last() + 1, end);
            if (body.isEmpty() && k + 1 < headings.size() && headings.get(k + 1).level() > heading.level()) {
                mergedFrom = mergedFrom < 0 ? heading.first() : mergedFrom;
                continue;
            }
            section(mergedFrom < 0 ? heading.first() : mergedFrom, heading, body, headingPath(path));
            mergedFrom = -1;
        }
    }

    /** One section: its heading lines from {@code from} (which includes merged empty parents) and its body. */
    private void section(int from, Heading heading, List<Block> body, String headingPath) {
        int last = body.isEmpty() ? heading.last() : body.getLast().last();
        String whole = lines.span(from, last + 1);
        if (budget.fits(whole)) {
            add(List.of(whole), headingPath, null, null);
            return;
        }
        String firstHeading = lines.span(from, heading.last() + 1);
        int bodyBudget = body.isEmpty() ? -1 : budget.under(firstHeading + "\n\n");
        if (bodyBudget < 1) {
            // Nothing under the heading to head, or a heading too long to repeat: its lines are
            // packed with the body like any other text.
            List<Unit> headingLines = lines.lineUnits(from, heading.last() + 1);
            add(pack(body, headingLines, budget.max()), headingPath, null, null);
            return;
        }
        String ownHeading = lines.span(heading.first(), heading.last() + 1);
        add(pack(body, List.of(), bodyBudget), headingPath, firstHeading, ownHeading);
    }

    /**
     * Adds the parts of a section, the first under {@code firstHeading} and the others under
     * {@code laterHeading} when those are given.
     */
    private void add(List<String> parts, String headingPath, String firstHeading, String laterHeading) {
        for (int i = 0; i < parts.size(); i++) {
            Map<String, Object> metadata = Chunker.metadata(source);
            if (headingPath != null && !headingPath.isEmpty()) {
                metadata.put("heading_path", headingPath);
            }
            if (parts.size() > 1) {
                metadata.put("part", i + 1);
                metadata.put("parts", parts.size());
            }
            String heading = i == 0 ? firstHeading : laterHeading;
            String content = heading == null ? parts.get(i) : heading + "\n\n" + parts.get(i);
            chunks.add(new Chunk(Chunk.DOCUMENT, content, metadata, null, null));
        }
    }

    /**
     * Packs {@code leading} units and then the blocks into parts of at most {@code limit} tokens. A
     * fence over the limit is cut apart from its neighbours; everything else goes through the packer.
     */
    private List<String> pack(List<Block> blocks, List<Unit> leading, int limit) {
        List<String> parts = new ArrayList<>();
        List<Unit> run = new ArrayList<>(leading);
        for (Block block : blocks) {
            Unit unit = new Unit(lines.start(block.first()), lines.end(block.last()), 0,
                    block.fence() == null ? Cut.SENTENCE : Cut.LINE);
            if (block.fence() != null && budget.count(lines.span(block.first(), block.last() + 1)) > limit) {
                packRun(run, limit, parts);
                run.clear();
                parts.addAll(cutFence(block.fence(), limit));
            } else {
                run.add(unit);
            }
        }
        packRun(run, limit, parts);
        return parts;
    }

    private void packRun(List<Unit> run, int limit, List<String> parts) {
        for (Piece piece : packer.pack(run, limit)) {
            parts.add(packer.text(piece));
        }
    }

    /** A fence over the limit, cut at lines; each part is opened and closed like the original. */
    private List<String> cutFence(Fence fence, int limit) {
        String opening = lines.line(fence.open());
        Matcher marker = FENCE_OPEN.matcher(opening);
        marker.matches();
        String closing = fence.closed() ? lines.line(fence.last()) : marker.group(1) + marker.group(2);
        int innerEnd = fence.closed() ? fence.last() : fence.last() + 1;
        List<Unit> inner = lines.lineUnits(fence.open() + 1, innerEnd);
        int innerLimit = limit - budget.count(opening + "\n\n" + closing);
        List<String> parts = new ArrayList<>();
        if (inner.isEmpty() || innerLimit < 1) {
            packRun(lines.lineUnits(fence.open(), fence.last() + 1), limit, parts);
            return parts;
        }
        List<Piece> pieces = packer.pack(inner, innerLimit);
        for (int i = 0; i < pieces.size(); i++) {
            boolean close = fence.closed() || i + 1 < pieces.size();
            parts.add(opening + "\n" + packer.text(pieces.get(i)) + (close ? "\n" + closing : ""));
        }
        return parts;
    }

    /** The paragraphs and fences of lines {@code from} to {@code to}. */
    private List<Block> blocks(int from, int to) {
        List<Block> blocks = new ArrayList<>();
        int line = from;
        while (line < to) {
            Fence fence = fences.get(line);
            if (fence != null) {
                blocks.add(new Block(line, fence.last(), fence));
                line = fence.last() + 1;
            } else if (lines.blank(line)) {
                line++;
            } else {
                int first = line;
                while (line < to && !lines.blank(line) && !fences.containsKey(line)) {
                    line++;
                }
                blocks.add(new Block(first, line - 1, null));
            }
        }
        return blocks;
    }

    private static String headingPath(List<Heading> path) {
        return path.stream().map(Heading::text).filter(text -> !text.isEmpty()).collect(Collectors.joining(" > "));
    }
}
