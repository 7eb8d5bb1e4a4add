package dev.cairn.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.audit.AuditRepository;
import dev.cairn.audit.AuditSequencer;
import dev.cairn.audit.StoredEntry;
import dev.cairn.ledger.MerkleProofs;
import dev.cairn.ledger.TileHashSource;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import org.HdrHistogram.Histogram;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit ledger alone, on Cairn's own sequencer and repository, no HTTP:
 *
 * <pre>
 *   LedgerBench append sqlite DIR     ENTRIES WRITERS   durable appends/s, writers waiting for their commit
 *   LedgerBench append postgres URL   ENTRIES WRITERS
 *   LedgerBench proofs sqlite DIR     ENTRIES PROOFS    builds a log of ENTRIES, then times inclusion proofs
 * </pre>
 *
 * Each writer appends in a loop and waits until its entry is committed, as a gateway request
 * does with {@code durability: sync}; the sequencer's group commit is what makes that cheap.
 * Entries are ~1 KB, the size of a short chat exchange with its sealed content. Prints one JSON line.
 */
public final class LedgerBench {

    private LedgerBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String vendor = args[1];
        long entries = Long.parseLong(args[3]);
        int threads = Integer.parseInt(args[4]);
        try (HikariDataSource db = dataSource(vendor, args[2])) {
            AuditRepository repository = new AuditRepository(db, JdbcClient.create(db), WriteGate.of(Dialect.of(db)));
            switch (mode) {
                case "append" -> append(vendor, repository, entries, threads);
                case "proofs" -> proofs(vendor, repository, entries, threads);
                default -> throw new IllegalArgumentException("mode is append or proofs");
            }
        } finally {
            if (postgresSchema != null) {
                try (Connection c = DriverManager.getConnection(args[2])) {
                    c.createStatement().execute("DROP SCHEMA " + postgresSchema + " CASCADE");
                }
            }
        }
    }

    /** The throw-away schema of a PostgreSQL run, dropped at the end. */
    private static String postgresSchema;

    private static void append(String vendor, AuditRepository repository, long entries, int writers) throws Exception {
        AuditSequencer sequencer = new AuditSequencer(repository, 4096);
        sequencer.start();
        fill(sequencer, 20_000, writers); // warm-up: JIT, caches, the first tiles
        long before = repository.size();
        long start = System.nanoTime();
        fill(sequencer, entries, writers);
        double seconds = (System.nanoTime() - start) / 1e9;
        long appended = repository.size() - before;
        sequencer.stop();
        System.out.printf("{\"bench\":\"ledger-append\",\"db\":\"%s\",\"entries\":%d,\"writers\":%d,\"seconds\":%.3f,"
                + "\"entries_per_second\":%.0f}%n", vendor, appended, writers, seconds, appended / seconds);
    }

    private static void proofs(String vendor, AuditRepository repository, long entries, int proofs) throws Exception {
        AuditSequencer sequencer = new AuditSequencer(repository, 8192);
        sequencer.start();
        long missing = entries - repository.size();
        if (missing > 0) {
            fill(sequencer, missing, 256);
        }
        AuditSequencer.TreeHead head = sequencer.head();
        sequencer.stop();
        long size = head.size();
        Histogram latency = new Histogram(3);
        for (int i = 0; i < proofs + 2000; i++) {
            long index = ThreadLocalRandom.current().nextLong(size);
            long t0 = System.nanoTime();
            // What GET /v1/audit/requests/{id} does for its proof: a tile reader, the audit path.
            TileHashSource tiles = new TileHashSource(
                    tile -> repository.tile(tile.level(), tile.index(), tile.width()), size);
            List<byte[]> proof = MerkleProofs.inclusionProof(tiles, index, size);
            long elapsed = System.nanoTime() - t0;
            if (i >= 2000) {
                latency.recordValue(elapsed);
            }
            if (i % 997 == 0) { // and now and then check that the proof is right
                MerkleProofs.verifyInclusion(tiles.hash(0, index), index, size, proof, head.rootHash());
            }
        }
        System.out.printf("{\"bench\":\"inclusion-proof\",\"db\":\"%s\",\"tree_size\":%d,\"proofs\":%d,"
                        + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}%n", vendor, size, proofs,
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
    }

    /** {@code writers} virtual threads append {@code count} entries between them, each waiting for its commit. */
    private static void fill(AuditSequencer sequencer, long count, int writers) throws Exception {
        AtomicLong next = new AtomicLong();
        String pad = "x".repeat(900);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(CompletableFuture.runAsync(() -> {
                    for (long n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
                        String id = "evt_" + System.nanoTime() + "_" + n;
                        byte[] data = ("{\"id\":\"" + id + "\",\"type\":\"bench\",\"data\":{\"pad\":\"" + pad + "\"}}")
                                .getBytes(StandardCharsets.UTF_8);
                        sequencer.submit(new StoredEntry(-1, id, "bench", Instant.now(), "bench", null, null, null,
                                data, null)).join();
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        }
    }

    /** The database as Cairn opens it by default (see DatabaseConfig), migrated by Cairn's own scripts. */
    private static HikariDataSource dataSource(String vendor, String where) throws Exception {
        HikariConfig config = new HikariConfig();
        if (vendor.equals("sqlite")) {
            Files.createDirectories(Path.of(where));
            config.setJdbcUrl("jdbc:sqlite:" + Path.of(where).resolve("cairn.db"));
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", System.getProperty("sqlite.synchronous", "FULL"));
            config.addDataSourceProperty("busy_timeout", "10000");
            config.setMaximumPoolSize(8);
        } else {
            String schema = "cairn_bench_" + Long.toHexString(System.nanoTime());
            postgresSchema = schema;
            try (Connection c = DriverManager.getConnection(where)) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            config.setJdbcUrl(where + (where.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            config.setMaximumPoolSize(8);
        }
        HikariDataSource db = new HikariDataSource(config);
        Flyway.configure().dataSource(db).locations("classpath:db/migration/" + (vendor.equals("sqlite") ? "sqlite" : "postgresql"))
                .load().migrate();
        return db;
    }
}
