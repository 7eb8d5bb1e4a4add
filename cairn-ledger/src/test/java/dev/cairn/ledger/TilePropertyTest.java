package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Hashes read through tiles equal the tree's own, at every level, for trees with up to three tile levels. */
class TilePropertyTest {

    private static final int LEAVES = 70_000; // beyond 65,536, so that a level-2 tile exists
    private static final MemoryTree TREE = new MemoryTree();

    static {
        for (int i = 0; i < LEAVES; i++) {
            TREE.append(ByteBuffer.allocate(8).putLong(i).array());
        }
    }

    @Property(tries = 1000)
    void tilesServeEveryCompleteNode(@ForAll @IntRange(min = 1, max = LEAVES) int size,
                                     @ForAll @IntRange(min = 0, max = 16) int level,
                                     @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick) {
        long nodes = (long) size >> level;
        if (nodes == 0) {
            return;
        }
        long index = pick % nodes;
        Map<TileId, Integer> reads = new HashMap<>();
        TileHashSource tiles = new TileHashSource(tile -> {
            reads.merge(tile, 1, Integer::sum);
            return Tiles.content(TREE, tile);
        }, size);

        assertThat(tiles.hash(level, index)).isEqualTo(TREE.hash(level, index));
        assertThat(MerkleProofs.rootHash(tiles, size)).isEqualTo(MerkleProofs.rootHash(TREE, size));
        assertThat(reads.keySet()).allSatisfy(tile -> assertThat(Tiles.hashTiles(size)).contains(tile));
    }

    /** Stored as a sequencer stores them: one row per tile, overwritten by each wider version. */
    @Property(tries = 100)
    void theBuilderWritesExactlyTheTilesOfTheTree(@ForAll @IntRange(min = 1, max = 2000) int batch,
                                                  @ForAll @IntRange(min = 0, max = LEAVES) int resumeAt,
                                                  @ForAll @IntRange(min = 0, max = 20_000) int extra) {
        Map<String, byte[]> stored = new HashMap<>();
        TileBuilder.TileLoader loader = tile -> {
            byte[] data = stored.get(tile.level() + "/" + tile.index());
            return java.util.Arrays.copyOf(data, tile.width() * Hashes.SIZE);
        };
        int end = Math.min(LEAVES, resumeAt + extra);
        TileBuilder builder = TileBuilder.empty();
        for (int i = 0; i < end; i++) {
            if (i == resumeAt) {
                store(builder, stored); // commit what is pending, then start over as after a restart
                builder = TileBuilder.resume(i, loader);
            }
            builder.append(TREE.hash(0, i));
            if ((i + 1) % batch == 0 || i + 1 == end) {
                store(builder, stored);
            }
        }
        assertThat(builder.rootHash()).isEqualTo(MerkleProofs.rootHash(TREE, end));
        assertThat(stored).hasSize(Tiles.hashTiles(end).size());
        for (TileId tile : Tiles.hashTiles(end)) {
            assertThat(stored.get(tile.level() + "/" + tile.index())).as(tile.path()).isEqualTo(Tiles.content(TREE, tile));
        }
    }

    private static void store(TileBuilder builder, Map<String, byte[]> stored) {
        for (TileBuilder.Tile tile : builder.drainChanged()) {
            stored.put(tile.id().level() + "/" + tile.id().index(), tile.data());
        }
    }

    @Property(tries = 200)
    void growingTouchesExactlyTheTilesThatChange(@ForAll @IntRange(min = 0, max = LEAVES) int a,
                                                 @ForAll @IntRange(min = 0, max = LEAVES) int b) {
        int from = Math.min(a, b);
        int to = Math.max(a, b);
        var before = Tiles.hashTiles(from);
        var after = Tiles.hashTiles(to);
        var changed = Tiles.changedHashTiles(from, to);

        assertThat(after).containsAll(changed);
        assertThat(after.stream().filter(t -> !changed.contains(t))).allSatisfy(t -> assertThat(before).contains(t));
        assertThat(changed).noneMatch(before::contains);
    }
}
