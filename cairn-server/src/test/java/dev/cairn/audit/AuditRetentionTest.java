package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.cairn.ledger.EntryBundle;
import dev.cairn.ledger.LogReader;
import dev.cairn.ledger.LogVerifier;
import dev.cairn.ledger.MemoryTree;
import dev.cairn.ledger.TileId;
import dev.cairn.ledger.Tiles;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Entries past the hot period move to the archive a bundle at a time; their hashes and proofs stay. */
class AuditRetentionTest {

    private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void movesWholeOldBundlesToTheArchiveAndEveryEntryStaysReadableAndProvable() throws Exception {
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            AuditRepository repository = new AuditRepository(db.source(), JdbcClient.create(db.source()), WriteGate.of(Dialect.of(db.source())));
            AuditSequencer sequencer = new AuditSequencer(repository, 100);
            sequencer.start();
            MemoryTree tree = new MemoryTree();
            for (int i = 0; i < 600; i++) {
                // Entries 0 to 529 are 500 days old, the rest 10 days.
                Instant at = NOW.minus(Duration.ofDays(i < 530 ? 500 : 10));
                byte[] data = ("{\"id\":\"evt_" + i + "\"}").getBytes(StandardCharsets.UTF_8);
                tree.append(data);
                sequencer.submit(new StoredEntry(-1, "evt_" + i, "test", at, "ws", null, null, null, data, null)).join();
            }
            sequencer.stop();
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));
            AuditRetention retention = retention(repository, archive, db, Duration.ofDays(400), false);

            assertThat(retention.archiveDue()).isEqualTo(2); // bundles 0 and 1; bundle 2 holds recent entries
            assertThat(retention.archiveDue()).isZero();

            assertThat(repository.firstHotIndex()).isEqualTo(512);
            assertThat(repository.entryData(0, 512)).allMatch(e -> e == null);
            EntryStore store = new EntryStore(repository, archive);
            for (TileId bundle : Tiles.entryBundles(600)) {
                List<byte[]> entries = store.bundle(bundle);
                long first = bundle.index() * TileId.WIDTH;
                for (int i = 0; i < entries.size(); i++) {
                    assertThat(tree.hash(0, first + i)).isEqualTo(dev.cairn.ledger.Hashes.leafHash(entries.get(i)));
                }
            }
            // The archive is a tlog-tiles directory: with the tiles beside it, a verifier reads it as a log.
            LogReader fromArchiveAndTiles = path -> path.startsWith("tile/entries/")
                    ? EntryBundle.encode(store.bundle(TileId.parse(path)))
                    : repository.tile(TileId.parse(path).level(), TileId.parse(path).index(), TileId.parse(path).width());
            dev.cairn.ledger.NoteSigner signer = dev.cairn.ledger.NoteSigner.generate("retention.test");
            dev.cairn.ledger.Checkpoint checkpoint = new dev.cairn.ledger.Checkpoint("retention.test", 600, tree.rootHash());
            LogVerifier verifier = new LogVerifier(path -> path.equals("checkpoint")
                    ? signer.sign(checkpoint.body()).getBytes(StandardCharsets.UTF_8) : fromArchiveAndTiles.read(path),
                    signer.verifier());
            assertThat(verifier.verifyTree(verifier.latestCheckpoint(), LogVerifier.Entries.ALL).entriesChecked()).isEqualTo(600);
        }
    }

    @Test
    void refusesAHotPeriodUnderSixMonthsUnlessForced() {
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            AuditRepository repository = new AuditRepository(db.source(), JdbcClient.create(db.source()), WriteGate.of(Dialect.of(db.source())));
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));
            assertThatThrownBy(() -> retention(repository, archive, db, Duration.ofDays(90), false))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("183 days");
            assertThat(retention(repository, archive, db, Duration.ofDays(90), true)).isNotNull();
        }
    }

    private static AuditRetention retention(AuditRepository repository, AuditArchive archive, TestDatabase db,
                                            Duration hotPeriod, boolean force) {
        return new AuditRetention(repository, archive,
                new TransactionTemplate(new DataSourceTransactionManager(db.source())),
                new AuditProperties.Retention(hotPeriod, force, null, Duration.ofHours(1)),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }
}
