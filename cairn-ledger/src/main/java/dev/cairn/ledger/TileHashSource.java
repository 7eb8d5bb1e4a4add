package dev.cairn.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link HashSource} over the hash tiles of a tree of known size, as a tlog client reads them.
 * Hashes of levels between tile levels are computed from the tile below. Full tiles never change,
 * so the last few are cached; one instance is meant for one reader thread.
 */
public final class TileHashSource implements HashSource {

    /** Reads one tile's bytes, from wherever the tiles are. */
    @FunctionalInterface
    public interface TileReader {
        byte[] read(TileId tile) throws IOException;
    }

    private static final int CACHED_TILES = 64;

    private final TileReader reader;
    private final long treeSize;
    private final Map<TileId, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TileId, byte[]> eldest) {
            return size() > CACHED_TILES;
        }
    };

    public TileHashSource(TileReader reader, long treeSize) {
        this.reader = reader;
        this.treeSize = treeSize;
    }

    @Override
    public byte[] hash(int level, long index) {
        int tileLevel = level / TileId.HEIGHT;
        int below = level % TileId.HEIGHT;
        long first = index << below;
        int count = 1 << below;
        TileId tile = Tiles.hashTileAt(tileLevel, first / TileId.WIDTH, treeSize);
        int offset = (int) (first % TileId.WIDTH);
        if (offset + count > tile.width()) {
            throw new IllegalArgumentException("node " + level + "/" + index + " is not complete at tree size " + treeSize);
        }
        byte[] data = tile(tile);
        byte[][] hashes = new byte[count][];
        for (int i = 0; i < count; i++) {
            hashes[i] = new byte[Hashes.SIZE];
            System.arraycopy(data, (offset + i) * Hashes.SIZE, hashes[i], 0, Hashes.SIZE);
        }
        for (int width = count; width > 1; width /= 2) {
            for (int i = 0; i < width / 2; i++) {
                hashes[i] = Hashes.nodeHash(hashes[2 * i], hashes[2 * i + 1]);
            }
        }
        return hashes[0];
    }

    private byte[] tile(TileId tile) {
        byte[] data = cache.get(tile);
        if (data != null) {
            return data;
        }
        try {
            data = reader.read(tile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + tile.path(), e);
        }
        if (data == null || data.length != tile.width() * Hashes.SIZE) {
            throw new IllegalStateException(tile.path() + " should hold " + tile.width() * Hashes.SIZE
                    + " bytes, got " + (data == null ? "none" : data.length));
        }
        if (!tile.isPartial()) {
            cache.put(tile, data);
        }
        return data;
    }
}
