package dev.cairn.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.cairn.ledger.TileId;
import org.springframework.stereotype.Component;

/** An entry's bytes and sealed blobs, from the database while hot and from the archive after. */
@Component
public class EntryStore {

    private final AuditRepository repository;
    private final AuditArchive archive;

    public EntryStore(AuditRepository repository, AuditArchive archive) {
        this.repository = repository;
        this.archive = archive;
    }

    /** The entries of an entry bundle, or null when the log does not have them all (yet). */
    public List<byte[]> bundle(TileId bundle) {
        long first = bundle.index() * TileId.WIDTH;
        List<byte[]> entries = repository.entryData(first, first + bundle.width());
        if (entries.size() != bundle.width()) {
            return null;
        }
        if (entries.stream().anyMatch(e -> e == null)) {
            List<byte[]> archived = archive.bundle(bundle.index()).orElse(null);
            if (archived == null || archived.size() < bundle.width()) {
                return null;
            }
            return new ArrayList<>(archived.subList(0, bundle.width()));
        }
        return entries;
    }

    /** The bytes of one entry, wherever they are now. */
    public byte[] data(StoredEntry entry) {
        if (entry.data() != null) {
            return entry.data();
        }
        return archive.bundle(entry.index() / TileId.WIDTH)
                .map(entries -> entries.get((int) (entry.index() % TileId.WIDTH)))
                .orElseThrow(() -> new IllegalStateException("entry " + entry.index()
                        + " is neither in the database nor in the archive " + archive.root()));
    }

    public Optional<byte[]> blob(long index) {
        Optional<byte[]> hot = repository.blob(index);
        return hot.isPresent() ? hot : archive.blob(index);
    }
}
