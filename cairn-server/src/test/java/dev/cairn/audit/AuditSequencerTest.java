package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.ledger.MemoryTree;
import dev.cairn.ledger.TileId;
import dev.cairn.ledger.Tiles;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The sequencer on real SQLite and PostgreSQL: group commit, restart, and two writers on one database. */
class AuditSequencerTest {

    @TempDir
    static Path dir;

    static Stream<TestDatabase> databases() throws java.io.IOException {
        return Stream.of(TestDatabases.sqlite(java.nio.file.Files.createTempDirectory(dir, "db")), TestDatabases.postgres());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void sequencesConcurrentEntriesAndPicksUpAfterARestart(TestDatabase db) throws Exception {
        try (db) {
            AuditRepository repository = new AuditRepository(db.source(), JdbcClient.create(db.source()), WriteGate.of(Dialect.of(db.source())));
            AuditSequencer first = new AuditSequencer(repository, 64);
            first.start();
            List<CompletableFuture<Long>> committed = submitConcurrently(first, 0, 700);
            List<Long> indexes = committed.stream().map(CompletableFuture::join).sorted().toList();
            first.stop();
            assertThat(indexes).containsExactlyElementsOf(Stream.iterate(0L, i -> i + 1).limit(700).toList());

            AuditSequencer second = new AuditSequencer(repository, 64);
            second.start();
            assertThat(second.head().size()).isEqualTo(700);
            submitConcurrently(second, 700, 400).forEach(CompletableFuture::join);
            second.stop();

            assertStoredTreeIsConsistent(repository, 1100, second.head().rootHash());
        }
    }

    /** As when `cairn keys create` appends while the server runs: each writer reloads and retries. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoWritersOnOneDatabaseBothGetTheirEntriesIn(TestDatabase db) throws Exception {
        try (db) {
            AuditRepository repository = new AuditRepository(db.source(), JdbcClient.create(db.source()), WriteGate.of(Dialect.of(db.source())));
            AuditSequencer a = new AuditSequencer(repository, 16);
            AuditSequencer b = new AuditSequencer(repository, 16);
            a.start();
            b.start();
            List<CompletableFuture<Long>> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                AuditSequencer writer = i % 2 == 0 ? a : b;
                all.add(writer.submit(row("evt_" + i)));
                if (i % 10 == 0) {
                    all.getLast().join(); // interleave the writers' batches
                }
            }
            List<Long> indexes = all.stream().map(CompletableFuture::join).sorted().toList();

            assertThat(indexes).doesNotHaveDuplicates().hasSize(300);
            assertThat(repository.size()).isEqualTo(300);
            a.submit(row("evt_only_a")).join();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (b.head().size() < 301 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(b.head().size()).as("idle b sees what a appended without writing itself").isEqualTo(301);
            a.stop();
            b.stop();
            AuditSequencer reader = new AuditSequencer(repository, 16);
            reader.start();
            assertStoredTreeIsConsistent(repository, 301, reader.head().rootHash());
            reader.stop();
        }
    }

    private static List<CompletableFuture<Long>> submitConcurrently(AuditSequencer sequencer, int from, int count)
            throws InterruptedException {
        List<CompletableFuture<Long>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int i = from; i < from + count; i++) {
                int n = i;
                threads.submit(() -> futures.add(sequencer.submit(row("evt_" + n))));
            }
        }
        return futures;
    }

    /** Every stored tile equals the one recomputed from the stored entries, and so does the root. */
    private static void assertStoredTreeIsConsistent(AuditRepository repository, long size, byte[] root) {
        MemoryTree tree = new MemoryTree();
        repository.entryData(0, size).forEach(tree::append);
        assertThat(tree.size()).isEqualTo(size);
        assertThat(tree.rootHash()).isEqualTo(root);
        for (TileId tile : Tiles.hashTiles(size)) {
            assertThat(repository.tile(tile.level(), tile.index(), tile.width())).as(tile.path())
                    .isEqualTo(Tiles.content(tree, tile));
        }
    }

    /**
     * On SQLite the writer's connection commits at NORMAL and syncs the log file itself; callers
     * hear of a commit only through that sync, and the connection goes back to the pool at FULL.
     */
    @Test
    void theSqliteWriterSyncsTheLogItselfAndHandsItsConnectionBackAsItFoundIt() throws Exception {
        try (TestDatabase db = TestDatabases.sqlite(Files.createTempDirectory(dir, "db"));
             HikariDataSource one = syncingEveryCommit(db, 1)) {
            AuditRepository repository = new AuditRepository(one, JdbcClient.create(one), WriteGate.oneAtATime());
            CountDownLatch durable = new CountDownLatch(1);
            try (AuditRepository.Writer writer = repository.writer()) {
                StoredEntry entry = row("req_sync");
                writer.append(List.of(new StoredEntry(0, entry.eventId(), entry.type(), entry.createdAt(), entry.workspace(),
                        null, null, null, entry.data(), null)), List.of(new byte[32]), List.of());
                writer.afterDurable(durable::countDown, e -> { });
                assertThat(durable.await(5, TimeUnit.SECONDS)).isTrue();
            }
            try (Connection c = one.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                rs.next();
                assertThat(rs.getInt(1)).as("FULL again").isEqualTo(2);
            }
            assertThat(repository.size()).isEqualTo(1);
        }
    }

    /**
     * A failed sync halts the log where it was last durable: the failed commit's caller and every
     * later one are refused, the head does not move (so no checkpoint covers what a crash may
     * take), the disk is not asked again even once it answers, and readiness has a cause to report.
     */
    @Test
    void aCommitTheDiskFailsToSyncHaltsTheLogAtItsLastDurableEntry() throws Exception {
        AtomicBoolean diskFails = new AtomicBoolean();
        AtomicInteger syncs = new AtomicInteger();
        WalSync.Forcer disk = channel -> {
            syncs.incrementAndGet();
            if (diskFails.get()) {
                throw new IOException("Input/output error");
            }
            channel.force(false);
        };
        try (OnDisk log = OnDisk.open(disk)) {
            AuditRepository repository = log.repository();
            AuditSequencer sequencer = new AuditSequencer(repository, 16);
            sequencer.start();
            assertThat(sequencer.submit(row("evt_durable")).get(5, TimeUnit.SECONDS)).isZero();
            assertThat(sequencer.halted()).isEmpty();

            diskFails.set(true);
            assertThatThrownBy(() -> sequencer.submit(row("evt_unsynced")).get(5, TimeUnit.SECONDS))
                    .hasRootCauseMessage("Input/output error");
            diskFails.set(false); // the disk answers again: too late to trust it
            int syncsAtHalt = syncs.get();
            assertThatThrownBy(() -> sequencer.submit(row("evt_after")).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("halted");
            assertThat(sequencer.halted()).get().extracting(Throwable::getMessage).isEqualTo("Input/output error");
            Thread.sleep(700); // past the idle writer's look for foreign entries, which would see evt_unsynced
            assertThat(sequencer.head().size()).as("head at the last durable entry").isEqualTo(1);
            assertThat(syncs.get()).as("no sync after the failure").isEqualTo(syncsAtHalt);
            assertThat(repository.size()).as("evt_unsynced is stored, evt_after was never written").isEqualTo(2);
            sequencer.stop();

            // Restarted (on a disk that works), the log opens on what is stored, the unsynced
            // entry included, and takes entries again.
            AuditSequencer restarted = new AuditSequencer(repository, 16);
            restarted.start();
            assertThat(restarted.halted()).isEmpty();
            assertThat(restarted.submit(row("evt_restarted")).get(5, TimeUnit.SECONDS)).isEqualTo(2);
            restarted.stop();
            assertStoredTreeIsConsistent(repository, 3, restarted.head().rootHash());
        }
    }

    /**
     * The database holds a commit before its sync answers; the idle writer, which looks for
     * entries other processes appended, must not take the head from there meanwhile, or a
     * checkpoint could cover an entry that is not yet durable.
     */
    @Test
    void whileASyncIsPendingTheHeadDoesNotMoveOverTheUnsyncedCommit() throws Exception {
        CountDownLatch diskAnswers = new CountDownLatch(1);
        WalSync.Forcer slowDisk = channel -> {
            try {
                diskAnswers.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            channel.force(false);
        };
        try (OnDisk log = OnDisk.open(slowDisk)) {
            AuditRepository repository = log.repository();
            AuditSequencer sequencer = new AuditSequencer(repository, 16);
            sequencer.start();
            CompletableFuture<Long> pending = sequencer.submit(row("evt_pending"));
            Thread.sleep(1200); // the idle writer looks for foreign entries every 500 ms
            assertThat(repository.size()).as("committed").isEqualTo(1);
            assertThat(pending).as("not yet durable").isNotDone();
            assertThat(sequencer.head().size()).isZero();

            diskAnswers.countDown();
            assertThat(pending.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(sequencer.head().size()).isEqualTo(1);
            sequencer.stop();
        }
    }

    /** A SQLite log synced as the server syncs it (FULL, so through {@link WalSync}), by the given disk. */
    private record OnDisk(TestDatabase db, HikariDataSource pool, AuditRepository repository) implements AutoCloseable {

        static OnDisk open(WalSync.Forcer disk) throws Exception {
            TestDatabase db = TestDatabases.sqlite(Files.createTempDirectory(dir, "db"));
            HikariDataSource pool = syncingEveryCommit(db, 4);
            return new OnDisk(db, pool, new AuditRepository(pool, JdbcClient.create(pool), WriteGate.oneAtATime(), disk));
        }

        @Override
        public void close() throws Exception {
            try (db; pool) {
                // both closed, the pool first
            }
        }
    }

    private static HikariDataSource syncingEveryCommit(TestDatabase db, int connections) throws SQLException {
        String url;
        try (Connection c = db.source().getConnection()) {
            url = c.getMetaData().getURL();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.addDataSourceProperty("synchronous", "FULL");
        config.setMaximumPoolSize(connections);
        return new HikariDataSource(config);
    }

    private static StoredEntry row(String id) {
        byte[] data = ("{\"id\":\"" + id + "\",\"type\":\"test\"}").getBytes(StandardCharsets.UTF_8);
        return new StoredEntry(-1, id, "test", Instant.now(), "ws", null, null, null, data, null);
    }
}
