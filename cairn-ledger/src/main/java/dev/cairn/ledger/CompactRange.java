package dev.cairn.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The right edge of a growing tree: one hash per perfect subtree in the binary decomposition of
 * its size. Appending a leaf costs O(log n) hashes and yields the root at once, which is all a
 * sequencer needs in memory however large the log is.
 */
public final class CompactRange {

    /** Receives every perfect-subtree hash that an append completes, leaf first, for storage. */
    @FunctionalInterface
    public interface NodeSink {
        void node(int level, long index, byte[] hash);
    }

    private long size;
    private final ArrayList<byte[]> hashes;

    private CompactRange(long size, List<byte[]> hashes) {
        this.size = size;
        this.hashes = new ArrayList<>(hashes);
    }

    /** The range of the empty tree. */
    public static CompactRange empty() {
        return new CompactRange(0, List.of());
    }

    /** The range of the first {@code size} leaves of a stored tree, read from {@code source}. */
    public static CompactRange of(HashSource source, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        List<byte[]> hashes = new ArrayList<>(Long.bitCount(size));
        long covered = 0;
        for (int level = 63; level >= 0; level--) {
            long width = 1L << level;
            if ((size & width) != 0) {
                hashes.add(Hashes.copy(source.hash(level, covered >> level)));
                covered += width;
            }
        }
        return new CompactRange(size, hashes);
    }

    public long size() {
        return size;
    }

    /** Appends one leaf, reporting the leaf and every subtree it completes to {@code sink}. */
    public void append(byte[] leafHash, NodeSink sink) {
        if (leafHash.length != Hashes.SIZE) {
            throw new IllegalArgumentException("a leaf hash is " + Hashes.SIZE + " bytes, got " + leafHash.length);
        }
        long index = size;
        int level = 0;
        byte[] hash = Hashes.copy(leafHash);
        sink.node(level, index, hash);
        while ((index & 1) == 1) {
            byte[] left = hashes.remove(hashes.size() - 1);
            hash = Hashes.nodeHash(left, hash);
            index >>= 1;
            level++;
            sink.node(level, index, hash);
        }
        hashes.add(hash);
        size++;
    }

    /** Appends one leaf when nobody needs the completed subtrees. */
    public void append(byte[] leafHash) {
        append(leafHash, (level, index, hash) -> {
        });
    }

    /** RFC 9162 MTH of the leaves appended so far. */
    public byte[] rootHash() {
        if (hashes.isEmpty()) {
            return Hashes.emptyRoot();
        }
        byte[] root = hashes.get(hashes.size() - 1);
        for (int i = hashes.size() - 2; i >= 0; i--) {
            root = Hashes.nodeHash(hashes.get(i), root);
        }
        return Hashes.copy(root);
    }
}
