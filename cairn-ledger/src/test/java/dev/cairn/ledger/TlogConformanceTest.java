package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 15-entry tlog-tiles test log from transparency-dev/tessera, read and rebuilt. */
class TlogConformanceTest {

    private static final String ORIGIN = "example.com/log/testdata";
    private static final String VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
    private static final String SKEY = "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";
    private static final int ENTRIES = 15;

    private final Path log = Conformance.dir("tlog/testdata/log");
    private final LogVerifier verifier = new LogVerifier(LogReader.directory(log), NoteVerifier.parse(VKEY));

    @Test
    void verifiesEveryCheckpointAndRederivesItsTilesAndRoot() throws Exception {
        for (int size = 0; size <= ENTRIES; size++) {
            Checkpoint checkpoint = verifier.openCheckpoint(Files.readAllBytes(log.resolve("checkpoint." + size)));

            LogVerifier.Report report = verifier.verifyTree(checkpoint, LogVerifier.Entries.ALL);

            assertThat(checkpoint.size()).isEqualTo(size);
            assertThat(report.entriesChecked()).isEqualTo(size);
            assertThat(report.tilesChecked()).isEqualTo(size == 0 ? 0 : 1);
        }
        assertThat(verifier.latestCheckpoint().size()).isEqualTo(ENTRIES);
        assertThat(Hashes.hex(verifier.latestCheckpoint().rootHash()))
                .isEqualTo("aca6c38a90af86e5f5199ee0e4105ef2c03a05b27b8daff59e4e36eefdfcddcb");
    }

    @Test
    void everyCheckpointIsConsistentWithEveryLaterOne() throws Exception {
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (int size = 0; size <= ENTRIES; size++) {
            checkpoints.add(verifier.openCheckpoint(Files.readAllBytes(log.resolve("checkpoint." + size))));
        }
        int proofs = 0;
        for (Checkpoint earlier : checkpoints) {
            for (Checkpoint later : checkpoints.subList((int) earlier.size(), checkpoints.size())) {
                verifier.verifyConsistency(earlier, later);
                proofs++;
            }
        }
        assertThat(proofs).isEqualTo(136);
        assertThatThrownBy(() -> verifier.verifyConsistency(checkpoints.get(9), checkpoints.get(4)))
                .isInstanceOf(VerificationException.class).hasMessageContaining("shrank");
    }

    @Test
    void provesEachEntryInTheLatestCheckpoint() throws Exception {
        Checkpoint latest = verifier.latestCheckpoint();
        assertThat(new String(verifier.verifyEntry(0, latest))).isEqualTo("one");
        assertThat(new String(verifier.verifyEntry(14, latest))).isEqualTo("fivten");
        assertThat(Hashes.hex(Hashes.leafHash("one".getBytes())))
                .isEqualTo("d0d7360ab79f58ab1e1e3fe64ad77e2ea0bc07e36b5f46ed2223edd9298df9e9");
    }

    @Test
    void readsARangeOfEntriesEachCheckedAgainstItsLeaf(@TempDir Path copy) throws Exception {
        Checkpoint latest = verifier.latestCheckpoint();
        List<String> read = new ArrayList<>();
        verifier.readEntries(latest, 3, 14, (index, entry) -> read.add(index + "=" + new String(entry)));
        assertThat(read).hasSize(12).startsWith("3=four").endsWith("14=fivten");
        assertThatThrownBy(() -> verifier.readEntries(latest, 3, 15, (index, entry) -> { }))
                .isInstanceOf(VerificationException.class).hasMessageContaining("not all in the log of 15");

        copyTree(log, copy);
        LogVerifier copied = new LogVerifier(LogReader.directory(copy), NoteVerifier.parse(VKEY));
        Path bundle = copy.resolve("tile/entries/000.p/15");
        byte[] entries = Files.readAllBytes(bundle);
        entries[entries.length - 1] ^= 0x01; // last byte of entry 14
        Files.write(bundle, entries);
        assertThatThrownBy(() -> copied.readEntries(latest, 10, 14, (index, entry) -> { }))
                .isInstanceOf(VerificationException.class).hasMessageStartingWith("entry 14:");
    }

    @Test
    void theSameKeyAndEntriesProduceTheSameTilesRootsAndCheckpoints() throws Exception {
        NoteSigner signer = NoteSigner.parse(SKEY);
        List<byte[]> entries = EntryBundle.decode(Files.readAllBytes(log.resolve("tile/entries/000.p/15")));
        MemoryTree tree = new MemoryTree();
        assertThat(signer.sign(new Checkpoint(ORIGIN, 0, tree.rootHash()).body()))
                .isEqualTo(Files.readString(log.resolve("checkpoint.0")));
        for (int size = 1; size <= ENTRIES; size++) {
            tree.append(entries.get(size - 1));
            TileId tile = Tiles.hashTileAt(0, 0, size);
            TileId bundle = Tiles.entryBundleFor(size - 1, size);

            assertThat(Tiles.hashTiles(size)).containsExactly(tile);
            assertThat(Tiles.content(tree, tile)).isEqualTo(Files.readAllBytes(log.resolve(tile.path())));
            assertThat(EntryBundle.encode(entries.subList(0, size))).isEqualTo(Files.readAllBytes(log.resolve(bundle.path())));
            String body = new Checkpoint(ORIGIN, size, tree.rootHash()).body();
            String published = Files.readString(log.resolve("checkpoint." + size));
            assertThat(published).startsWith(body + "\n");
            assertThat(signer.sign(body)).as("checkpoint %d, signature included", size).isEqualTo(published);
        }
    }

    @Test
    void aChangedByteInAnEntryOrTileFailsAndNamesTheIndex(@TempDir Path copy) throws Exception {
        copyTree(log, copy);
        LogVerifier copied = new LogVerifier(LogReader.directory(copy), NoteVerifier.parse(VKEY));
        Checkpoint latest = copied.latestCheckpoint();
        copied.verifyTree(latest, LogVerifier.Entries.ALL);

        Path bundle = copy.resolve("tile/entries/000.p/15");
        byte[] entries = Files.readAllBytes(bundle);
        byte[] original = entries.clone();
        entries[entries.length - 1] ^= 0x01; // last byte of entry 14, "fivten"
        Files.write(bundle, entries);
        assertThatThrownBy(() -> copied.verifyTree(latest, LogVerifier.Entries.ALL))
                .isInstanceOf(VerificationException.class).hasMessageStartingWith("entry 14:");
        assertThatThrownBy(() -> copied.verifyEntry(14, latest))
                .isInstanceOf(VerificationException.class).hasMessageStartingWith("entry 14:");
        Files.write(bundle, original);

        Path tile = copy.resolve("tile/0/000.p/15");
        byte[] hashes = Files.readAllBytes(tile);
        hashes[3 * Hashes.SIZE + 5] ^= 0x40; // inside leaf hash 3
        Files.write(tile, hashes);
        assertThatThrownBy(() -> copied.verifyTree(latest, LogVerifier.Entries.ALL))
                .isInstanceOf(VerificationException.class).hasMessageStartingWith("entry 3:");
        assertThatThrownBy(() -> copied.verifyTree(latest, LogVerifier.Entries.NONE))
                .isInstanceOf(VerificationException.class).hasMessageContaining("does not match checkpoint 15");

        Files.writeString(copy.resolve("checkpoint"), Files.readString(copy.resolve("checkpoint")).replace("\n15\n", "\n16\n"));
        assertThatThrownBy(copied::latestCheckpoint)
                .isInstanceOf(VerificationException.class).hasMessageContaining("invalid signature");
    }

    @Test
    void aLogWithoutSomeEntryBundlesStillVerifiesItsTreeWhenAskedTo(@TempDir Path copy) throws Exception {
        copyTree(log, copy);
        Files.delete(copy.resolve("tile/entries/000.p/15"));
        LogVerifier copied = new LogVerifier(LogReader.directory(copy), NoteVerifier.parse(VKEY));
        Checkpoint latest = copied.latestCheckpoint();

        assertThatThrownBy(() -> copied.verifyTree(latest, LogVerifier.Entries.ALL)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        LogVerifier.Report report = copied.verifyTree(latest, LogVerifier.Entries.PRESENT);
        assertThat(report.bundlesMissing()).isEqualTo(1);
        assertThat(report.entriesChecked()).isZero();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
