package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** C2SP tlog-tiles paths: the spec's examples both ways, and only canonical spellings accepted. */
class TileIdTest {

    @Test
    void writesAndReadsTheSpecsPaths() {
        assertThat(TileId.hashes(0, 1_234_067, 256).path()).isEqualTo("tile/0/x001/x234/067");
        assertThat(TileId.hashes(1, 5, 7).path()).isEqualTo("tile/1/005.p/7");
        assertThat(TileId.entries(1000, 256).path()).isEqualTo("tile/entries/x001/000");
        assertThat(TileId.entries(0, 15).path()).isEqualTo("tile/entries/000.p/15");
        for (String path : List.of("tile/0/x001/x234/067", "tile/1/005.p/7", "tile/entries/x001/000",
                "tile/entries/000.p/15", "tile/3/999", "tile/0/x009/x223/x372/x036/x854/x775/807")) {
            assertThat(TileId.parse(path).path()).isEqualTo(path);
        }
        assertThat(TileId.parse("tile/0/x001/x234/067.p/8")).isEqualTo(TileId.hashes(0, 1_234_067, 8));
    }

    @Test
    void refusesNonCanonicalPaths() {
        for (String path : List.of("tile/0/1", "tile/0/0001", "tile/0/x000/001", "tile/0/001/002",
                "tile/0/x001", "tile/0/000.p/256", "tile/0/000.p/0", "tile/0/000.p/07", "tile/-1/000",
                "tile/9/000", "tile/0/x009/x223/x372/x036/x854/x775/808", "tile/entries/000.p/", "tile/00/000", "tiles/0/000", "tile/0/00a", "tile/0/")) {
            assertThatThrownBy(() -> TileId.parse(path)).as(path).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void listsTheTilesOfATree() {
        assertThat(Tiles.hashTiles(0)).isEmpty();
        assertThat(Tiles.hashTiles(256)).containsExactly(TileId.hashes(0, 0, 256), TileId.hashes(1, 0, 1));
        assertThat(Tiles.hashTiles(70_000)).contains(TileId.hashes(0, 273, 112), TileId.hashes(1, 1, 17),
                TileId.hashes(2, 0, 1)).hasSize(274 + 2 + 1);
        assertThat(Tiles.changedHashTiles(300, 513)).containsExactly(TileId.hashes(0, 1, 256),
                TileId.hashes(0, 2, 1), TileId.hashes(1, 0, 2));
        assertThat(Tiles.entryBundleFor(300, 513)).isEqualTo(TileId.entries(1, 256));
    }
}
