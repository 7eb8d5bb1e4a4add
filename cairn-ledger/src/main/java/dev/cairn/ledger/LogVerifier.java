package dev.cairn.ledger;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a log from the outside, trusting nothing but the log's verifier key: the checkpoint's
 * signature, every tile recomputed from the level below, every entry against its leaf hash, the
 * root against the checkpoint, and consistency with a checkpoint seen before.
 */
public final class LogVerifier {

    /** Which entries {@link #verifyTree} hashes against the tiles. */
    public enum Entries {
        /** Every entry; a missing entry bundle is a failure. */
        ALL,
        /** Every entry whose bundle the log still has (a partial export, or after retention). */
        PRESENT,
        /** None: the tiles and the root only. */
        NONE
    }

    /** What a check covered. */
    public record Report(Checkpoint checkpoint, long entriesChecked, long bundlesMissing, long tilesChecked) {
    }

    private final LogReader reader;
    private final NoteVerifier verifier;

    public LogVerifier(LogReader reader, NoteVerifier verifier) {
        this.reader = reader;
        this.verifier = verifier;
    }

    /** Reads {@code checkpoint} and checks its signature. */
    public Checkpoint latestCheckpoint() throws IOException, VerificationException {
        return openCheckpoint(reader.read("checkpoint"));
    }

    /** Checks a signed checkpoint note against the log's key and parses it. */
    public Checkpoint openCheckpoint(byte[] note) throws VerificationException {
        return Checkpoint.parse(SignedNote.open(new String(note, StandardCharsets.UTF_8), List.of(verifier)).text());
    }

    /**
     * Recomputes the tree of {@code checkpoint} from its tiles, level by level, and compares its root.
     * Also hashes entries against level 0 as {@code entries} says. Memory grows with size/256,
     * not with the log.
     */
    public Report verifyTree(Checkpoint checkpoint, Entries entries) throws IOException, VerificationException {
        long size = checkpoint.size();
        CompactRange range = CompactRange.empty();
        long tilesChecked = 0;
        long entriesChecked = 0;
        long bundlesMissing = 0;
        // Subtree roots of each full tile at the level below: the contents of the level above.
        List<byte[]> expectedAbove = new ArrayList<>();
        for (TileId tile : levelTiles(0, size)) {
            byte[] hashes = readTile(tile);
            tilesChecked++;
            if (entries != Entries.NONE) {
                long checked = checkEntries(tile, hashes, entries == Entries.PRESENT);
                entriesChecked += Math.max(0, checked);
                bundlesMissing += checked < 0 ? 1 : 0;
            }
            for (int i = 0; i < tile.width(); i++) {
                range.append(hashAt(hashes, i));
            }
            if (!tile.isPartial()) {
                expectedAbove.add(subtreeRoot(hashes));
            }
        }
        for (int level = 1; Tiles.nodesAt(level, size) > 0; level++) {
            List<byte[]> expected = expectedAbove;
            expectedAbove = new ArrayList<>();
            for (TileId tile : levelTiles(level, size)) {
                byte[] hashes = readTile(tile);
                tilesChecked++;
                for (int i = 0; i < tile.width(); i++) {
                    long node = tile.index() * TileId.WIDTH + i;
                    if (!Hashes.equal(hashAt(hashes, i), expected.get((int) node))) {
                        long firstLeaf = node << (level * TileId.HEIGHT);
                        throw new VerificationException(tile.path() + ": hash " + i + " (entries from " + firstLeaf
                                + ") does not match the tiles below it");
                    }
                }
                if (!tile.isPartial()) {
                    expectedAbove.add(subtreeRoot(hashes));
                }
            }
        }
        if (range.size() != size) {
            throw new VerificationException("tiles hold " + range.size() + " leaves, checkpoint says " + size);
        }
        if (!Hashes.equal(range.rootHash(), checkpoint.rootHash())) {
            throw new VerificationException("the root recomputed from the tiles does not match checkpoint " + size);
        }
        return new Report(checkpoint, entriesChecked, bundlesMissing, tilesChecked);
    }

    /**
     * Proves that {@code earlier} is a prefix of {@code later}, with a consistency proof built from
     * the tiles of {@code later}. Run {@link #verifyTree} on {@code later} first to trust those tiles.
     */
    public void verifyConsistency(Checkpoint earlier, Checkpoint later) throws VerificationException {
        if (earlier.size() > later.size()) {
            throw new VerificationException("the log shrank from " + earlier.size() + " to " + later.size() + " entries");
        }
        if (earlier.size() == 0) {
            return; // every tree extends the empty one
        }
        HashSource tiles = new TileHashSource(tile -> reader.read(tile.path()), later.size());
        List<byte[]> proof = earlier.size() == later.size()
                ? List.of()
                : MerkleProofs.consistencyProof(tiles, earlier.size(), later.size());
        MerkleProofs.verifyConsistency(earlier.size(), later.size(), proof, earlier.rootHash(), later.rootHash());
    }

    /** Reads entry {@code index}, checks that it is included in {@code checkpoint}, and returns it. */
    public byte[] verifyEntry(long index, Checkpoint checkpoint) throws IOException, VerificationException {
        if (index < 0 || index >= checkpoint.size()) {
            throw new VerificationException("entry " + index + " is not in the log of " + checkpoint.size() + " entries");
        }
        TileId bundle = Tiles.entryBundleFor(index, checkpoint.size());
        List<byte[]> entries = EntryBundle.decode(reader.read(bundle.path()));
        int offset = (int) (index % TileId.WIDTH);
        if (entries.size() != bundle.width()) {
            throw new VerificationException(bundle.path() + " holds " + entries.size() + " entries, expected " + bundle.width());
        }
        byte[] entry = entries.get(offset);
        HashSource tiles = new TileHashSource(tile -> reader.read(tile.path()), checkpoint.size());
        List<byte[]> proof = MerkleProofs.inclusionProof(tiles, index, checkpoint.size());
        try {
            MerkleProofs.verifyInclusion(Hashes.leafHash(entry), index, checkpoint.size(), proof, checkpoint.rootHash());
        } catch (VerificationException e) {
            throw new VerificationException("entry " + index + ": " + e.getMessage(), e);
        }
        return entry;
    }

    /**
     * Reads entries {@code from} to {@code to} (both inclusive) of the tree of {@code checkpoint}, each
     * checked against its leaf in the level-0 tiles, and hands them in order to {@code sink}. Run
     * {@link #verifyTree} on {@code checkpoint} first to trust those tiles. One bundle is held at a time.
     */
    public void readEntries(Checkpoint checkpoint, long from, long to, EntrySink sink) throws IOException, VerificationException {
        if (from < 0 || to >= checkpoint.size()) {
            throw new VerificationException("entries " + from + " to " + to + " are not all in the log of "
                    + checkpoint.size() + " entries");
        }
        for (long bundleIndex = from / TileId.WIDTH; bundleIndex <= to / TileId.WIDTH && from <= to; bundleIndex++) {
            TileId bundle = Tiles.entryBundleFor(bundleIndex * TileId.WIDTH, checkpoint.size());
            List<byte[]> entries = EntryBundle.decode(reader.read(bundle.path()));
            if (entries.size() != bundle.width()) {
                throw new VerificationException(bundle.path() + " holds " + entries.size() + " entries, expected " + bundle.width());
            }
            byte[] hashes = readTile(TileId.hashes(0, bundleIndex, bundle.width()));
            for (int i = 0; i < entries.size(); i++) {
                long index = bundleIndex * TileId.WIDTH + i;
                if (index < from || index > to) {
                    continue;
                }
                if (!Hashes.equal(Hashes.leafHash(entries.get(i)), hashAt(hashes, i))) {
                    throw new VerificationException("entry " + index + ": its hash does not match leaf " + index
                            + " of the tree of size " + checkpoint.size());
                }
                sink.accept(index, entries.get(i));
            }
        }
    }

    /** Takes the entries {@link #readEntries} read. */
    @FunctionalInterface
    public interface EntrySink {
        void accept(long index, byte[] entry) throws VerificationException;
    }

    /** Entries checked, or -1 when the bundle is missing and {@code skipMissing} allows that. */
    private long checkEntries(TileId tile, byte[] hashes, boolean skipMissing) throws IOException, VerificationException {
        TileId bundle = TileId.entries(tile.index(), tile.width());
        byte[] data;
        try {
            data = reader.read(bundle.path());
        } catch (FileNotFoundException | NoSuchFileException e) {
            if (skipMissing) {
                return -1;
            }
            throw e;
        }
        List<byte[]> entries = EntryBundle.decode(data);
        if (entries.size() != tile.width()) {
            throw new VerificationException(bundle.path() + " holds " + entries.size() + " entries, expected " + tile.width());
        }
        for (int i = 0; i < entries.size(); i++) {
            if (!Hashes.equal(Hashes.leafHash(entries.get(i)), hashAt(hashes, i))) {
                long index = tile.index() * TileId.WIDTH + i;
                throw new VerificationException("entry " + index + ": its hash does not match leaf " + index
                        + " in " + tile.path());
            }
        }
        return entries.size();
    }

    private byte[] readTile(TileId tile) throws IOException, VerificationException {
        byte[] data = reader.read(tile.path());
        if (data.length != tile.width() * Hashes.SIZE) {
            throw new VerificationException(tile.path() + " holds " + data.length + " bytes, expected "
                    + tile.width() * Hashes.SIZE);
        }
        return data;
    }

    private static List<TileId> levelTiles(int level, long size) {
        return Tiles.hashTiles(size).stream().filter(t -> t.level() == level).toList();
    }

    private static byte[] hashAt(byte[] tile, int i) {
        byte[] hash = new byte[Hashes.SIZE];
        System.arraycopy(tile, i * Hashes.SIZE, hash, 0, Hashes.SIZE);
        return hash;
    }

    /** The root of a full tile's 256 hashes: the node eight levels up. */
    private static byte[] subtreeRoot(byte[] tile) {
        CompactRange range = CompactRange.empty();
        for (int i = 0; i < TileId.WIDTH; i++) {
            range.append(hashAt(tile, i));
        }
        return range.rootHash();
    }
}
