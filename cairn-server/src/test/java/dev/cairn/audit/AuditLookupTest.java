package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit log's lookups by time, workspace and trace id live in {@code audit_lookup}, filled
 * behind the log: on real SQLite and PostgreSQL, readers find the same entries whether they were
 * copied there yet or not, the sequencer catches up, and the migration copies an existing log.
 */
class AuditLookupTest {

    private static final Instant BASE = Instant.parse("2026-12-01T00:00:00Z");
    private static final int ENTRIES = 600;
    /** Lookups removed again, so that this many entries are past the mark, as when the copier lags. */
    private static final int TAIL = 150;

    @TempDir
    static Path dir;

    static Stream<String> vendors() {
        return Stream.of("sqlite", "postgresql");
    }

    private static TestDatabase database(String vendor, String version) throws java.io.IOException {
        return vendor.equals("sqlite") ? TestDatabases.sqlite(Files.createTempDirectory(dir, "db"), version)
                : TestDatabases.postgres(version);
    }

    private static AuditRepository repository(TestDatabase db) {
        return new AuditRepository(db.source(), JdbcClient.create(db.source()), WriteGate.of(Dialect.of(db.source())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void readersFindTheSameEntriesBelowAndAboveTheLookupMark(String vendor) throws Exception {
        try (TestDatabase db = database(vendor, null)) {
            AuditRepository repository = repository(db);
            List<StoredEntry> written = fill(repository);
            assertThat(repository.lookupMark()).as("a stopped sequencer leaves no entry uncopied").isEqualTo(ENTRIES);
            JdbcClient.create(db.source()).sql("DELETE FROM audit_lookup WHERE idx >= ?").param(ENTRIES - TAIL).update();
            assertThat(repository.lookupMark()).isEqualTo(ENTRIES - TAIL);

            List<EntryFilter> filters = List.of(
                    new EntryFilter(null, null, null, null, null, null),
                    new EntryFilter(null, null, null, null, null, "trace-3"),
                    new EntryFilter(null, null, null, "ws-1", null, null),
                    new EntryFilter(null, null, "other", "ws-2", null, null),
                    new EntryFilter(BASE.plusSeconds(400), BASE.plusSeconds(520), null, null, null, null),
                    new EntryFilter(BASE.plusSeconds(100), BASE.plusSeconds(500), null, "ws-0", "key-1", "trace-2"),
                    new EntryFilter(null, null, null, "ws-none", null, null));
            for (EntryFilter filter : filters) {
                List<Long> expected = written.stream().filter(matches(filter)).map(StoredEntry::index).toList();
                assertThat(pagedThrough(repository, filter, 25)).as(filter.toString()).isEqualTo(expected);
                assertThat(pagedThrough(repository, filter, 1000)).as(filter.toString()).isEqualTo(expected);
            }

            assertRange(repository, written, BASE.plusSeconds(10), BASE.plusSeconds(40)); // copied only
            assertRange(repository, written, BASE.plusSeconds(500), BASE.plusSeconds(560)); // tail only
            assertRange(repository, written, BASE.plusSeconds(300), BASE.plusSeconds(590)); // across the mark
            assertThat(repository.indexRange(BASE.minusSeconds(100), BASE.minusSeconds(10))).isEmpty();

            AuditSequencer restarted = new AuditSequencer(repository, 64);
            restarted.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (repository.lookupMark() < ENTRIES && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(repository.lookupMark()).as("an idle sequencer copies the tail").isEqualTo(ENTRIES);
            restarted.stop();
            assertThat(pagedThrough(repository, filters.get(1), 25))
                    .isEqualTo(written.stream().filter(matches(filters.get(1))).map(StoredEntry::index).toList());
        }
    }

    /** The copy must not leave the writer's connection on an old snapshot, or its next commit fails. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void theWriterAppendsAfterCopyingLookupsWhileAnotherConnectionWrites(String vendor) throws Exception {
        try (TestDatabase db = database(vendor, null)) {
            AuditRepository repository = repository(db);
            try (AuditRepository.Writer writer = repository.writer()) {
                writer.append(List.of(entry(0)), List.of(new byte[32]), List.of());
                assertThat(writer.indexLookups(0, 100)).isEqualTo(1);
                repository.insertCheckpoint(1, "a note written on another connection", BASE);
                writer.append(List.of(entry(1)), List.of(new byte[32]), List.of());
                assertThat(writer.indexLookups(1, 100)).isEqualTo(2);
            }
            assertThat(repository.size()).isEqualTo(2);
        }
    }

    private static StoredEntry entry(long index) {
        return new StoredEntry(index, "evt_" + index, "test", BASE, "ws", null, "trace", null,
                "{}".getBytes(StandardCharsets.UTF_8), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vendors")
    void theMigrationCopiesTheLookupsOfAnExistingLog(String vendor) throws Exception {
        try (TestDatabase db = database(vendor, "6")) {
            JdbcClient jdbc = JdbcClient.create(db.source());
            for (int i = 0; i < 40; i++) {
                jdbc.sql("INSERT INTO audit_entries (idx, event_id, type, created_at, workspace, trace_id, leaf_hash, data) "
                                + "VALUES (?, ?, 'test', ?, ?, ?, ?, ?)")
                        .params(i, "evt_" + i, BASE.plusSeconds(i).toEpochMilli(), "ws-" + i % 2, "trace-" + i % 5,
                                new byte[32], "{}".getBytes(StandardCharsets.UTF_8))
                        .update();
            }
            TestDatabases.migrate(vendor, db.source(), null);

            AuditRepository repository = repository(db);
            assertThat(repository.lookupMark()).isEqualTo(40);
            assertThat(repository.list(new EntryFilter(null, null, null, "ws-1", null, "trace-3"), -1, 100))
                    .extracting(StoredEntry::index).containsExactly(3L, 13L, 23L, 33L);
            assertThat(repository.indexRange(BASE.plusSeconds(5), BASE.plusSeconds(9))).get()
                    .isEqualTo(new long[] {5, 8});
        }
    }

    /** Entries over 600 s, three workspaces, seven traces, two keys and two types, through the sequencer. */
    private static List<StoredEntry> fill(AuditRepository repository) {
        AuditSequencer sequencer = new AuditSequencer(repository, 64);
        sequencer.start();
        List<StoredEntry> rows = new ArrayList<>();
        List<CompletableFuture<Long>> committed = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            String id = "evt_" + i;
            byte[] data = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
            StoredEntry row = new StoredEntry(-1, id, i % 4 == 0 ? "other" : "test", BASE.plusSeconds(i),
                    "ws-" + i % 3, "key-" + i % 2, "trace-" + i % 7, null, data, null);
            rows.add(row);
            committed.add(sequencer.submit(row));
        }
        List<StoredEntry> written = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            StoredEntry row = rows.get(i);
            written.add(new StoredEntry(committed.get(i).join(), row.eventId(), row.type(), row.createdAt(),
                    row.workspace(), row.keyId(), row.traceId(), null, row.data(), null));
        }
        sequencer.stop();
        written.sort(java.util.Comparator.comparingLong(StoredEntry::index));
        return written;
    }

    private static Predicate<StoredEntry> matches(EntryFilter f) {
        return e -> (f.from() == null || !e.createdAt().isBefore(f.from()))
                && (f.to() == null || e.createdAt().isBefore(f.to()))
                && (f.type() == null || f.type().equals(e.type()))
                && (f.workspace() == null || f.workspace().equals(e.workspace()))
                && (f.keyId() == null || f.keyId().equals(e.keyId()))
                && (f.traceId() == null || f.traceId().equals(e.traceId()));
    }

    private static List<Long> pagedThrough(AuditRepository repository, EntryFilter filter, int pageSize) {
        List<Long> seen = new ArrayList<>();
        long after = -1;
        while (true) {
            List<StoredEntry> page = repository.list(filter, after, pageSize);
            page.forEach(e -> seen.add(e.index()));
            if (page.size() < pageSize) {
                return seen;
            }
            after = page.getLast().index();
        }
    }

    private static void assertRange(AuditRepository repository, List<StoredEntry> written, Instant from, Instant to) {
        List<Long> inRange = written.stream()
                .filter(e -> !e.createdAt().isBefore(from) && e.createdAt().isBefore(to)).map(StoredEntry::index).toList();
        Optional<long[]> range = repository.indexRange(from, to);
        assertThat(range).as(from + " to " + to).get().isEqualTo(new long[] {inRange.getFirst(), inRange.getLast()});
    }
}
