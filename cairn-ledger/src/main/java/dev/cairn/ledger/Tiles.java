package dev.cairn.ledger;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Which C2SP tlog-tiles a tree of a given size has, and what a hash tile contains. */
public final class Tiles {

    private Tiles() {
    }

    /** Every hash tile of a tree of {@code size} leaves: the full ones and each level's last partial one. */
    public static List<TileId> hashTiles(long size) {
        return changedHashTiles(0, size);
    }

    /** The hash tiles that appear or change when a tree grows from {@code oldSize} to {@code newSize}. */
    public static List<TileId> changedHashTiles(long oldSize, long newSize) {
        if (oldSize < 0 || newSize < oldSize) {
            throw new IllegalArgumentException("a tree cannot grow from " + oldSize + " to " + newSize);
        }
        List<TileId> tiles = new ArrayList<>();
        for (int level = 0; level * TileId.HEIGHT < 64; level++) {
            long oldCount = nodesAt(level, oldSize);
            long newCount = nodesAt(level, newSize);
            if (newCount == 0) {
                break;
            }
            if (newCount > oldCount) {
                addRange(tiles, level, oldCount, newCount);
            }
        }
        return tiles;
    }

    /** Every entry bundle of a log of {@code size} entries. */
    public static List<TileId> entryBundles(long size) {
        List<TileId> bundles = new ArrayList<>();
        addRange(bundles, TileId.ENTRIES, 0, size);
        return bundles;
    }

    /** The entry bundle that holds entry {@code index} in a log of {@code size} entries. */
    public static TileId entryBundleFor(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("entry " + index + " is not in a log of size " + size);
        }
        long tile = index / TileId.WIDTH;
        return TileId.entries(tile, (int) Math.min(TileId.WIDTH, size - tile * TileId.WIDTH));
    }

    /** The hash tile of level {@code level} and index {@code index} as it stands in a tree of {@code size}. */
    public static TileId hashTileAt(int level, long index, long size) {
        long count = nodesAt(level, size);
        long first = index * TileId.WIDTH;
        if (first >= count) {
            throw new IllegalArgumentException("tile " + level + "/" + index + " does not exist at tree size " + size);
        }
        return TileId.hashes(level, index, (int) Math.min(TileId.WIDTH, count - first));
    }

    /** The bytes of a hash tile: its {@code width} hashes of tree level {@code 8·level}, concatenated. */
    public static byte[] content(HashSource source, TileId tile) {
        if (tile.isEntries()) {
            throw new IllegalArgumentException("an entry bundle is not made of hashes: " + tile);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(tile.width() * Hashes.SIZE);
        int treeLevel = tile.level() * TileId.HEIGHT;
        long first = tile.index() * TileId.WIDTH;
        for (int i = 0; i < tile.width(); i++) {
            out.writeBytes(source.hash(treeLevel, first + i));
        }
        return out.toByteArray();
    }

    /** How many perfect subtrees of tree level {@code 8·level} a tree of {@code size} leaves has. */
    static long nodesAt(int level, long size) {
        int shift = level * TileId.HEIGHT;
        return shift >= 64 ? 0 : size >>> shift;
    }

    private static void addRange(List<TileId> tiles, int level, long fromCount, long toCount) {
        for (long tile = fromCount / TileId.WIDTH; tile * TileId.WIDTH < toCount; tile++) {
            int width = (int) Math.min(TileId.WIDTH, toCount - tile * TileId.WIDTH);
            tiles.add(new TileId(level, tile, width));
        }
    }
}
