package dev.cairn.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole tree held in memory, every perfect-subtree hash kept: about 2n hashes. For tests,
 * tools and benchmarks; a service keeps its hashes in storage instead.
 */
public final class MemoryTree implements HashSource {

    private final List<List<byte[]>> levels = new ArrayList<>();
    private final CompactRange range = CompactRange.empty();

    /** Appends an entry and returns its index. */
    public long append(byte[] entry) {
        return appendLeafHash(Hashes.leafHash(entry));
    }

    /** Appends a leaf by its hash and returns its index. */
    public long appendLeafHash(byte[] leafHash) {
        long index = range.size();
        range.append(leafHash, (level, node, hash) -> {
            if (levels.size() == level) {
                levels.add(new ArrayList<>());
            }
            levels.get(level).add(hash);
        });
        return index;
    }

    public long size() {
        return range.size();
    }

    public byte[] rootHash() {
        return range.rootHash();
    }

    @Override
    public byte[] hash(int level, long index) {
        if (level >= levels.size() || index < 0 || index >= levels.get(level).size()) {
            throw new IllegalArgumentException("no complete node " + level + "/" + index + " in a tree of size " + size());
        }
        return Hashes.copy(levels.get(level).get((int) index));
    }
}
