package dev.cairn.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import dev.cairn.ledger.EntryBundle;
import dev.cairn.ledger.TileId;
import dev.cairn.ledger.VerificationException;
import dev.cairn.platform.OwnerOnlyFiles;
import dev.cairn.platform.PlatformProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Entries past the hot period, kept as full tlog-tiles entry bundles in
 * {@code <archive-dir>/tile/entries/<N>} (sealed content kept beside an entry in
 * {@code blobs/<index>}), so the archive is itself a directory that tlog clients and
 * {@code cairn verify} read. Also where readers look for an entry the database no longer holds.
 */
@Component
public class AuditArchive {

    private final Path root;

    @Autowired
    public AuditArchive(AuditProperties audit, PlatformProperties platform) {
        this(audit.retention().archiveDir() != null ? audit.retention().archiveDir()
                : platform.dataDir().resolve("audit").resolve("archive"));
    }

    AuditArchive(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Writes a full bundle (and blobs) so that it is either whole on disk or not there at all. */
    void write(long bundleIndex, List<byte[]> entries, List<StoredBlob> blobs) {
        try {
            for (StoredBlob blob : blobs) {
                writeAtomically(root.resolve("blobs").resolve(Long.toString(blob.index())), blob.data());
            }
            writeAtomically(root.resolve(TileId.entries(bundleIndex, TileId.WIDTH).path()), EntryBundle.encode(entries));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the audit archive " + root, e);
        }
    }

    /** The archived entries of full bundle {@code bundleIndex}, if it was archived. */
    Optional<List<byte[]>> bundle(long bundleIndex) {
        Path file = root.resolve(TileId.entries(bundleIndex, TileId.WIDTH).path());
        try {
            return Optional.of(EntryBundle.decode(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (VerificationException e) {
            throw new IllegalStateException("The archived bundle " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    Optional<byte[]> blob(long index) {
        Path file = root.resolve("blobs").resolve(Long.toString(index));
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Sealed content kept beside its entry. */
    record StoredBlob(long index, byte[] data) {
    }

    private static void writeAtomically(Path file, byte[] data) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        OwnerOnlyFiles.write(tmp, data); // and its missing directories 0700
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true); // on disk before the database lets go of its copy
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
