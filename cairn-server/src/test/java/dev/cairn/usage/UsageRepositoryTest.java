package dev.cairn.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The usage ledger's writes and grouped totals on both SQLite and PostgreSQL. */
class UsageRepositoryTest {

    @TempDir
    static Path dir;

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    private static UsageEvent event(Instant at, String key, String workspace, String model, int status, long prompt, long completion) {
        return new UsageEvent(at, key, workspace, "chat.completions", model, "p", status, status >= 400 ? "err" : null,
                false, prompt, completion, prompt * 1000, 12.5, 10.0, "trace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void groupsByModelKeyAndDayWithinTheRangeAndWorkspace(TestDatabase db) {
        try (db) {
            UsageRepository repository = new UsageRepository(new JdbcTemplate(db.source()), JdbcClient.create(db.source()));
            Instant day1 = Instant.parse("2026-11-20T10:00:00Z");
            Instant day2 = Instant.parse("2026-11-21T23:59:59Z");
            repository.insertAll(List.of(
                    event(day1, "key_a", "ws", "m1", 200, 10, 5),
                    event(day2, "key_a", "ws", "m1", 200, 20, 5),
                    event(day2, "key_b", "ws", "m2", 502, 0, 0),
                    event(day2, "key_c", "other", "m1", 200, 100, 100),
                    event(Instant.parse("2026-11-22T00:00:00Z"), "key_a", "ws", "m1", 200, 999, 999)));

            Instant from = Instant.parse("2026-11-20T00:00:00Z");
            Instant to = Instant.parse("2026-11-22T00:00:00Z");
            List<UsageRepository.Totals> byModel = repository.totals(from, to, "ws", UsageRepository.GroupBy.MODEL);
            assertThat(byModel).extracting(UsageRepository.Totals::group).containsExactly("m1", "m2");
            assertThat(byModel.getFirst().requests()).isEqualTo(2);
            assertThat(byModel.getFirst().promptTokens()).isEqualTo(30);
            assertThat(byModel.getFirst().costNanoUsd()).isEqualTo(30_000);
            assertThat(byModel.get(1).errors()).isEqualTo(1);
            assertThat(byModel.getFirst().averageLatencyMs()).isEqualTo(12.5);

            assertThat(repository.totals(from, to, "ws", UsageRepository.GroupBy.DAY))
                    .extracting(UsageRepository.Totals::group).containsExactly("2026-11-20", "2026-11-21");
            assertThat(repository.totals(from, to, "ws", UsageRepository.GroupBy.KEY))
                    .extracting(UsageRepository.Totals::group).containsExactly("key_a", "key_b");
            assertThat(repository.totals(from, to, null, UsageRepository.GroupBy.KEY)).hasSize(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void ledgerWritesEveryEventInBatchesAndFlushes(TestDatabase db) throws Exception {
        try (db) {
            UsageRepository repository = new UsageRepository(new JdbcTemplate(db.source()), JdbcClient.create(db.source()));
            UsageLedger ledger = new UsageLedger(repository, new TransactionTemplate(new DataSourceTransactionManager(db.source())),
                    WriteGate.of(Dialect.of(db.source())));
            Instant now = Instant.now();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                writers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 500; i++) {
                        ledger.record(event(now, "key_x", "ws", "m", 200, 1, 2));
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            ledger.flush();
            List<UsageRepository.Totals> totals = repository.totals(now.minusSeconds(5), now.plusSeconds(5), "ws",
                    UsageRepository.GroupBy.MODEL);
            assertThat(totals.getFirst().requests()).isEqualTo(4000);
            assertThat(totals.getFirst().completionTokens()).isEqualTo(8000);
            ledger.close();
        }
    }
}
