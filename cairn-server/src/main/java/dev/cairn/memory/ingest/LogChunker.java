package dev.cairn.memory.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.memory.ingest.Packer.Cut;
import dev.cairn.memory.ingest.Packer.Piece;
import dev.cairn.memory.ingest.Packer.Unit;

/**
 * Cuts a log into runs of whole records. A line that starts with a timestamp starts a record; every
 * other line (a stack trace's {@code at} and {@code Caused by:} lines, a wrapped message) belongs to
 * the record above it, and lines before the first timestamp form a record of their own. A record too
 * long alone is cut at lines.
 */
final class LogChunker {

    private LogChunker() {
    }

    static List<Chunk> chunk(Lines lines, Budget budget, String source) {
        List<Unit> records = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        int first = -1;
        int last = -1;
        for (int line = 0; line < lines.count(); line++) {
            if (lines.blank(line)) {
                continue;
            }
            String text = lines.line(line);
            if (first >= 0 && Timestamps.startsLogRecord(text)) {
                records.add(new Unit(lines.start(first), lines.end(last), records.size(), Cut.LINE));
                first = -1;
            }
            if (first < 0) {
                first = line;
                times.add(Timestamps.ofLogLine(text));
            }
            last = line;
        }
        if (first >= 0) {
            records.add(new Unit(lines.start(first), lines.end(last), records.size(), Cut.LINE));
        }

        Packer packer = budget.packer(lines.text());
        List<Chunk> chunks = new ArrayList<>();
        for (Piece piece : packer.pack(records, budget.max())) {
            Map<String, Object> metadata = Chunker.metadata(source);
            metadata.put("line_start", lines.lineAt(piece.start()) + 1);
            metadata.put("line_end", lines.lineAt(piece.end() - 1) + 1);
            chunks.add(new Chunk(Chunk.DOCUMENT, packer.text(piece), metadata, times.get(piece.firstOrigin()), null));
        }
        return chunks;
    }
}
