package dev.cairn.memory.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.memory.ingest.Packer.Cut;
import dev.cairn.memory.ingest.Packer.Piece;

/**
 * Cuts a unified diff into one chunk per hunk, each starting with its file's header (the
 * {@code diff --git}, extended header, {@code ---} and {@code +++} lines) so it reads alone. A hunk
 * over the limit is cut at lines into parts that each repeat the header and the {@code @@} line. A
 * file with no hunk (a binary file, a mode change, an empty new file) is a chunk of its own. Lines
 * outside any file, such as the commit message of {@code git show} or {@code git format-patch}, are
 * kept as chunks without a file.
 */
final class DiffChunker {

    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,(\\d+))? \\+\\d+(?:,(\\d+))? @@");

    /** A hunk's lines, from its {@code @@} line to its last non-blank line. */
    private record Hunk(int first, int last) {
    }

    private final Lines lines;
    private final Budget budget;
    private final String source;
    private final Packer packer;
    private final List<Chunk> chunks = new ArrayList<>();

    private DiffChunker(Lines lines, Budget budget, String source) {
        this.lines = lines;
        this.budget = budget;
        this.source = source;
        this.packer = budget.packer(lines.text());
    }

    static List<Chunk> chunk(Lines lines, Budget budget, String source) {
        return new DiffChunker(lines, budget, source).cut();
    }

    private List<Chunk> cut() {
        int files = 0;
        int otherFrom = -1;
        int i = 0;
        while (i < lines.count()) {
            String line = lines.line(i);
            boolean git = line.startsWith("diff --git ");
            boolean plain = !git && line.startsWith("--- ") && i + 1 < lines.count() && lines.line(i + 1).startsWith("+++ ");
            if (!git && !plain && !line.startsWith("@@")) {
                if (otherFrom < 0 && !lines.blank(i)) {
                    otherFrom = i;
                }
                i++;
                continue;
            }
            if (otherFrom >= 0) {
                other(otherFrom, i);
                otherFrom = -1;
            }
            int headerEnd = git ? gitHeaderEnd(i) : plain ? i + 2 : i;
            List<Hunk> hunks = new ArrayList<>();
            int next = headerEnd;
            while (next < lines.count() && lines.line(next).startsWith("@@")) {
                int end = hunkEnd(next);
                int last = end - 1;
                while (last > next && lines.blank(last)) {
                    last--;
                }
                hunks.add(new Hunk(next, last));
                next = end;
            }
            file(i, headerEnd, hunks);
            files++;
            i = next;
        }
        if (otherFrom >= 0) {
            other(otherFrom, lines.count());
        }
        if (files == 0) {
            throw new IllegalArgumentException("no diff found: a unified diff has \"diff --git\" or \"---\"/\"+++\""
                    + " file headers and \"@@\" hunks");
        }
        return chunks;
    }

    /**
     * Where a git file header ends: after its {@code +++} line, or at the first hunk or next file when
     * it has none (a binary file or a mode change).
     */
    private int gitHeaderEnd(int start) {
        int line = start + 1;
        while (line < lines.count()) {
            String text = lines.line(line);
            if (text.startsWith("@@") || text.startsWith("diff --git ")) {
                return line;
            }
            line++;
            if (text.startsWith("+++ ")) {
                return line;
            }
        }
        return line;
    }

    /**
     * Where the hunk starting at {@code start} ends. The line counts of its {@code @@} line decide, so
     * a removed line that reads {@code --- x} is not taken for a file header; without counts, the hunk
     * runs while lines start like hunk lines.
     */
    private int hunkEnd(int start) {
        Matcher counts = HUNK.matcher(lines.line(start));
        boolean counted = counts.lookingAt();
        int oldLeft = counted ? count(counts.group(1)) : 0;
        int newLeft = counted ? count(counts.group(2)) : 0;
        int line = start + 1;
        for (; line < lines.count(); line++) {
            String text = lines.line(line);
            if (text.startsWith("\\")) {
                continue; // "\ No newline at end of file" belongs to the line above it
            }
            if (counted) {
                if (oldLeft <= 0 && newLeft <= 0) {
                    break;
                }
                // Some tools strip the space of an empty context line.
                char marker = text.isEmpty() ? ' ' : text.charAt(0);
                if (marker == ' ') {
                    oldLeft--;
                    newLeft--;
                } else if (marker == '-') {
                    oldLeft--;
                } else if (marker == '+') {
                    newLeft--;
                } else {
                    break; // fewer lines than the counts say: the hunk ends here
                }
            } else if (text.isEmpty() || " +-".indexOf(text.charAt(0)) < 0
                    || text.startsWith("--- ") && line + 1 < lines.count() && lines.line(line + 1).startsWith("+++ ")) {
                break;
            }
        }
        return line;
    }

    /** A count past what an int holds is as good as endless: the hunk ends where its lines do. */
    private static int count(String group) {
        return group == null ? 1 : group.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(group);
    }

    private void file(int start, int headerEnd, List<Hunk> hunks) {
        String file = path(start, headerEnd);
        if (hunks.isEmpty()) {
            int last = headerEnd - 1;
            while (last > start && lines.blank(last)) {
                last--;
            }
            String whole = lines.span(start, last + 1);
            List<String> parts = budget.fits(whole) ? List.of(whole) : packLines(start, last + 1, budget.max());
            add(parts, "", file, null);
            return;
        }
        String header = start < headerEnd ? lines.span(start, headerEnd) + "\n" : "";
        for (Hunk hunk : hunks) {
            String hunkLine = lines.line(hunk.first());
            String whole = header + lines.span(hunk.first(), hunk.last() + 1);
            if (budget.fits(whole)) {
                add(List.of(whole), "", file, hunkLine);
                continue;
            }
            String prefix = header + hunkLine + "\n";
            int bodyBudget = hunk.last() > hunk.first() ? budget.under(prefix) : -1;
            if (bodyBudget < 1) {
                // A header too long to repeat: header and hunk are cut as plain lines. They are cut as a
                // text of their own because in the input a later hunk is not next to its header.
                Lines own = Lines.of(whole);
                Packer ownPacker = budget.packer(whole);
                List<String> parts = new ArrayList<>();
                ownPacker.pack(own.lineUnits(0, own.count()), budget.max()).forEach(piece -> parts.add(ownPacker.text(piece)));
                add(parts, "", file, hunkLine);
            } else {
                add(packLines(hunk.first() + 1, hunk.last() + 1, bodyBudget), prefix, file, hunkLine);
            }
        }
    }

    private List<String> packLines(int from, int to, int limit) {
        List<String> parts = new ArrayList<>();
        for (Piece piece : packer.pack(lines.lineUnits(from, to), limit)) {
            parts.add(packer.text(piece));
        }
        return parts;
    }

    /** Lines outside any file: paragraphs, as a commit message has them. */
    private void other(int from, int to) {
        for (Piece piece : packer.pack(lines.paragraphs(from, to, Cut.LINE), budget.max())) {
            chunks.add(new Chunk(Chunk.DOCUMENT, packer.text(piece), Chunker.metadata(source), null, null));
        }
    }

    private void add(List<String> parts, String prefix, String file, String hunkLine) {
        for (int i = 0; i < parts.size(); i++) {
            Map<String, Object> metadata = Chunker.metadata(source);
            if (file != null) {
                metadata.put("file", file);
            }
            if (hunkLine != null) {
                metadata.put("hunk", hunkLine);
            }
            if (parts.size() > 1) {
                metadata.put("part", i + 1);
                metadata.put("parts", parts.size());
            }
            chunks.add(new Chunk(Chunk.DOCUMENT, prefix + parts.get(i), metadata, null, null));
        }
    }

    /**
     * The file a header is about: the new path, or the old one when the file was deleted; without
     * {@code ---}/{@code +++} lines (binary files, mode changes), the rename target or the
     * {@code diff --git} line's second path. Null for a hunk with no header.
     */
    private String path(int start, int headerEnd) {
        String oldPath = null;
        String newPath = null;
        String renamed = null;
        String gitPath = null;
        for (int line = start; line < headerEnd; line++) {
            String text = lines.line(line);
            if (text.startsWith("--- ")) {
                oldPath = headerPath(text.substring(4));
            } else if (text.startsWith("+++ ")) {
                newPath = headerPath(text.substring(4));
            } else if (text.startsWith("rename to ") || text.startsWith("copy to ")) {
                renamed = unquote(text.substring(text.indexOf(" to ") + 4));
            } else if (text.startsWith("diff --git ")) {
                gitPath = gitPath(text.substring("diff --git ".length()));
            }
        }
        // git writes a/ and b/ before paths unless told not to; plain diff -u writes them as they are.
        boolean prefixed = (oldPath == null || oldPath.equals("/dev/null") || oldPath.startsWith("a/"))
                && (newPath == null || newPath.equals("/dev/null") || newPath.startsWith("b/"));
        if (newPath != null && !newPath.equals("/dev/null")) {
            return prefixed ? newPath.substring(2) : newPath;
        }
        if (oldPath != null && !oldPath.equals("/dev/null")) {
            return prefixed ? oldPath.substring(2) : oldPath;
        }
        return renamed != null ? renamed : gitPath;
    }

    /** The path of a {@code ---} or {@code +++} line, without the timestamp diff -u puts after a tab. */
    private static String headerPath(String value) {
        int tab = value.indexOf('\t');
        return unquote((tab >= 0 ? value.substring(0, tab) : value).strip());
    }

    /** The second path of {@code a/x b/x}, without its prefix. */
    private static String gitPath(String paths) {
        int quoted = paths.lastIndexOf(" \"b/");
        if (quoted >= 0) {
            return unquote(paths.substring(quoted + 1)).substring(2);
        }
        int prefixed = paths.lastIndexOf(" b/");
        if (prefixed >= 0) {
            return paths.substring(prefixed + 3);
        }
        // --no-prefix: the same path twice, so the second half (a rename shows its "rename to" line).
        return paths.indexOf(' ') < 0 ? paths : paths.substring(paths.length() / 2 + 1);
    }

    private static String unquote(String path) {
        return path.length() >= 2 && path.startsWith("\"") && path.endsWith("\"") ? path.substring(1, path.length() - 1) : path;
    }
}
