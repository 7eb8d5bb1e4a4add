package dev.cairn.memory.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.cairn.memory.ingest.Packer.Cut;
import dev.cairn.memory.ingest.Packer.Piece;

/** Cuts prose into runs of whole paragraphs; a paragraph too long alone is cut at sentences, then words. */
final class TextChunker {

    private TextChunker() {
    }

    static List<Chunk> chunk(Lines lines, Budget budget, String source) {
        Packer packer = budget.packer(lines.text());
        List<Chunk> chunks = new ArrayList<>();
        for (Piece piece : packer.pack(lines.paragraphs(0, lines.count(), Cut.SENTENCE), budget.max())) {
            Map<String, Object> metadata = Chunker.metadata(source);
            metadata.put("paragraph_start", piece.firstOrigin() + 1);
            metadata.put("paragraph_end", piece.lastOrigin() + 1);
            chunks.add(new Chunk(Chunk.DOCUMENT, packer.text(piece), metadata, null, null));
        }
        return chunks;
    }
}
