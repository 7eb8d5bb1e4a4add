package dev.cairn.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequencer's side of a tiled log: appends leaves in O(log n), keeps the rightmost tile of each
 * level in memory, and tells which tiles changed since it was last asked, so that each batch of
 * appends writes only those. Not thread-safe: one sequencer owns it.
 */
public final class TileBuilder {

    /** A hash tile's name and its bytes. */
    public record Tile(TileId id, byte[] data) {
    }

    /** Reads a stored tile when resuming. */
    @FunctionalInterface
    public interface TileLoader {
        byte[] load(TileId tile);
    }

    /** The rightmost tile of one level: its index and the hashes it holds so far. */
    private static final class Edge {
        long index;
        final byte[] hashes = new byte[TileId.WIDTH * Hashes.SIZE];
        int width;
    }

    private final CompactRange range;
    private final List<Edge> edges = new ArrayList<>();
    /** Tiles changed since the last drain: full ones with their final bytes, partial ones as null. */
    private final Map<Long, byte[]> changedFull = new LinkedHashMap<>();
    private final Map<Integer, Boolean> changedPartial = new LinkedHashMap<>();
    private final List<TileId> changedOrder = new ArrayList<>();

    private TileBuilder(CompactRange range) {
        this.range = range;
    }

    public static TileBuilder empty() {
        return new TileBuilder(CompactRange.empty());
    }

    /** Picks up a stored log of {@code size} leaves: its right edge and its rightmost partial tiles. */
    public static TileBuilder resume(long size, TileLoader loader) {
        TileBuilder builder = new TileBuilder(CompactRange.of(new TileHashSource(loader::load, size), size));
        for (int level = 0; Tiles.nodesAt(level, size) > 0; level++) {
            long count = Tiles.nodesAt(level, size);
            Edge edge = new Edge();
            edge.index = count / TileId.WIDTH;
            edge.width = (int) (count % TileId.WIDTH);
            if (edge.width > 0) {
                byte[] data = loader.load(TileId.hashes(level, edge.index, edge.width));
                if (data.length != edge.width * Hashes.SIZE) {
                    throw new IllegalStateException("tile " + level + "/" + edge.index + " is stored with "
                            + data.length + " bytes, expected " + edge.width * Hashes.SIZE);
                }
                System.arraycopy(data, 0, edge.hashes, 0, data.length);
            }
            builder.edges.add(edge);
        }
        return builder;
    }

    public long size() {
        return range.size();
    }

    public byte[] rootHash() {
        return range.rootHash();
    }

    /** Appends a leaf by its hash and returns its index. */
    public long append(byte[] leafHash) {
        long index = range.size();
        range.append(leafHash, this::onNode);
        return index;
    }

    /** The tiles that changed since the last call, each with its current bytes, in the order they changed. */
    public List<Tile> drainChanged() {
        List<Tile> tiles = new ArrayList<>(changedOrder.size());
        for (TileId id : changedOrder) {
            if (id.isPartial()) {
                Edge edge = edges.get(id.level());
                tiles.add(new Tile(TileId.hashes(id.level(), edge.index, edge.width),
                        Arrays.copyOf(edge.hashes, edge.width * Hashes.SIZE)));
            } else {
                tiles.add(new Tile(id, changedFull.get(key(id.level(), id.index()))));
            }
        }
        changedFull.clear();
        changedPartial.clear();
        changedOrder.clear();
        return tiles;
    }

    private void onNode(int level, long index, byte[] hash) {
        if (level % TileId.HEIGHT != 0) {
            return;
        }
        int tileLevel = level / TileId.HEIGHT;
        if (edges.size() == tileLevel) {
            edges.add(new Edge());
        }
        Edge edge = edges.get(tileLevel);
        if (index != edge.index * TileId.WIDTH + edge.width) {
            throw new IllegalStateException("node " + level + "/" + index + " arrived out of order");
        }
        System.arraycopy(hash, 0, edge.hashes, edge.width * Hashes.SIZE, Hashes.SIZE);
        edge.width++;
        if (edge.width == TileId.WIDTH) {
            TileId full = TileId.hashes(tileLevel, edge.index, TileId.WIDTH);
            changedFull.put(key(tileLevel, edge.index), edge.hashes.clone());
            changedOrder.add(full);
            if (changedPartial.remove(tileLevel) != null) {
                changedOrder.removeIf(t -> t.level() == tileLevel && t.isPartial());
            }
            edge.index++;
            edge.width = 0;
        } else if (changedPartial.putIfAbsent(tileLevel, Boolean.TRUE) == null) {
            // A placeholder: the bytes are copied from the edge when drained, at their widest.
            changedOrder.add(TileId.hashes(tileLevel, edge.index, 1));
        }
    }

    private static long key(int level, long index) {
        return ((long) level << 56) | index;
    }
}
