package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.limits.Spending.Owner;
import dev.cairn.limits.Spending.Period;
import dev.cairn.limits.Spending.Scope;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import dev.cairn.usage.UsageEvent;
import dev.cairn.usage.UsageLedger;
import dev.cairn.usage.UsageRepository;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Budgets' spending from the usage ledger on SQLite and PostgreSQL: UTC day and month, own costs at once, others' after a refresh. */
class SpendingTest {

    @TempDir
    static Path dir;

    static final Instant NOW = Instant.parse("2026-11-21T15:00:00Z");

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    private static UsageEvent cost(Instant at, String key, String workspace, long nanoUsd) {
        return new UsageEvent(at, key, workspace, "chat.completions", "p/m", "p", 200, null, false, 10, 10, nanoUsd,
                1.0, 1.0, "trace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void sumsTheDayAndTheMonthOfAKeyOrWorkspaceAndCountsNewCostsWithoutCountingThemTwice(TestDatabase db) throws Exception {
        try (db) {
            UsageRepository repository = new UsageRepository(new JdbcTemplate(db.source()), JdbcClient.create(db.source()));
            UsageLedger ledger = new UsageLedger(repository, new TransactionTemplate(new DataSourceTransactionManager(db.source())), WriteGate.of(Dialect.of(db.source())));
            repository.insertAll(List.of(
                    cost(Instant.parse("2026-11-21T00:00:00Z"), "key_a", "ws", 1000),
                    cost(Instant.parse("2026-11-05T12:00:00Z"), "key_a", "ws", 2000),
                    cost(Instant.parse("2026-10-31T23:59:59.999Z"), "key_a", "ws", 4000),
                    cost(Instant.parse("2026-11-21T14:00:00Z"), "key_b", "ws", 8000),
                    cost(Instant.parse("2026-11-21T14:00:00Z"), "key_c", "other", 16000)));
            Spending spending = new Spending(repository, ledger, Duration.ofMillis(100), Clock.fixed(NOW, ZoneOffset.UTC));
            Scope keyA = new Scope(Owner.KEY, "key_a");
            Scope ws = new Scope(Owner.WORKSPACE, "ws");

            assertThat(spending.spent(keyA)).isEqualTo(new Spending.Spent(1000, 3000));
            assertThat(spending.spent(ws)).isEqualTo(new Spending.Spent(9000, 11000));
            assertThat(spending.spent(new Scope(Owner.KEY, "key_unknown"))).isEqualTo(new Spending.Spent(0, 0));

            // This process's own request, as the pipeline does it: into the ledger, then counted.
            ledger.record(cost(NOW, "key_a", "ws", 500));
            spending.add(keyA, 500);
            assertThat(spending.spent(keyA).day()).as("counted at once").isEqualTo(1500);
            // Another process's request reaches only the database.
            repository.insertAll(List.of(cost(NOW, "key_a", "ws", 250)));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (spending.spent(keyA).day() != 1750 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(spending.spent(keyA)).as("after a refresh: the other's cost seen, our own not twice")
                    .isEqualTo(new Spending.Spent(1750, 3750));

            assertThat(spending.untilRenewal(Period.DAY)).isEqualTo(TimeUnit.HOURS.toMicros(9));
            assertThat(spending.untilRenewal(Period.MONTH)).isEqualTo(TimeUnit.HOURS.toMicros(9 * 24 + 9));
            spending.close();
            ledger.flush(); // its writer is a daemon thread that idles once the queue is empty
        }
    }
}
