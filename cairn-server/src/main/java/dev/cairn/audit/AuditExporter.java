package dev.cairn.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.cairn.ledger.Checkpoint;
import dev.cairn.ledger.EntryBundle;
import dev.cairn.ledger.TileId;
import dev.cairn.ledger.Tiles;
import dev.cairn.platform.OwnerOnlyFiles;
import org.springframework.stereotype.Component;

/**
 * Writes the log, or the part of it between two times, as a bundle in tlog-tiles layout that
 * {@code cairn verify --dir} (or any tlog client) checks without Cairn: {@code checkpoint}, every
 * hash tile of its tree, the entry bundles, {@code checkpoints/<size>} for every checkpoint
 * signed so far, {@code blobs/<index>} for sealed content kept outside its entry, and {@code vkey}.
 * Tiles are always complete, so that a partial export still proves its entries.
 */
@Component
public class AuditExporter {

    /** What was written. */
    public record Summary(long treeSize, long entries, long tiles, int checkpoints) {
    }

    private final AuditRepository repository;
    private final EntryStore entryStore;
    private final CheckpointPublisher checkpoints;
    private final LogIdentity identity;

    public AuditExporter(AuditRepository repository, EntryStore entryStore, CheckpointPublisher checkpoints,
                         LogIdentity identity) {
        this.repository = repository;
        this.entryStore = entryStore;
        this.checkpoints = checkpoints;
        this.identity = identity;
    }

    public Summary export(Path out, Instant from, Instant to) {
        try {
            CheckpointPublisher.Signed latest = checkpoints.publish();
            long size = latest.checkpoint().size();
            OwnerOnlyFiles.createDirectories(out);
            write(out.resolve("checkpoint"), latest.note().getBytes(StandardCharsets.UTF_8));
            write(out.resolve("vkey"), (identity.verifier().vkey() + "\n").getBytes(StandardCharsets.UTF_8));
            List<String> notes = repository.checkpoints();
            for (String note : notes) {
                long noteSize = Checkpoint.parse(note.substring(0, note.indexOf("\n\n") + 1)).size();
                write(out.resolve("checkpoints").resolve(Long.toString(noteSize)), note.getBytes(StandardCharsets.UTF_8));
            }
            long tiles = 0;
            for (TileId tile : Tiles.hashTiles(size)) {
                write(out.resolve(tile.path()), repository.tile(tile.level(), tile.index(), tile.width()));
                tiles++;
            }
            long first = 0;
            long last = size - 1;
            if (from != null || to != null) {
                Optional<long[]> range = repository.indexRange(from == null ? Instant.EPOCH : from,
                        to == null ? Instant.now().plusSeconds(1) : to);
                first = range.map(r -> r[0]).orElse(size);
                last = Math.min(size - 1, range.map(r -> r[1]).orElse(-1L));
            }
            long entries = 0;
            for (TileId bundle : Tiles.entryBundles(size)) {
                long start = bundle.index() * TileId.WIDTH;
                if (start + bundle.width() <= first || start > last) {
                    continue;
                }
                List<byte[]> bundleEntries = entryStore.bundle(bundle);
                if (bundleEntries == null) {
                    throw new IllegalStateException("entries of " + bundle.path() + " are neither in the database nor in the archive");
                }
                write(out.resolve(bundle.path()), EntryBundle.encode(bundleEntries));
                for (long i = start; i < start + bundle.width(); i++) {
                    Optional<byte[]> blob = entryStore.blob(i);
                    if (blob.isPresent()) {
                        write(out.resolve("blobs").resolve(Long.toString(i)), blob.get());
                    }
                }
                entries += bundle.width();
            }
            return new Summary(size, entries, tiles, notes.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the audit export to " + out, e);
        } catch (dev.cairn.ledger.VerificationException e) {
            throw new IllegalStateException("a stored checkpoint is malformed: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, byte[] data) throws IOException {
        if (data == null) {
            throw new IllegalStateException("the audit log is missing " + file.getFileName());
        }
        OwnerOnlyFiles.write(file, data); // and its missing directories 0700
    }
}
