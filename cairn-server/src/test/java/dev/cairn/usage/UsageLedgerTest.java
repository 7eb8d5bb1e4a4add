package dev.cairn.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The usage ledger keeps what it is handed: a database out of reach is waited out, never a reason to drop a row. */
class UsageLedgerTest {

    @TempDir
    Path dir;

    private TestDatabase db;
    /** How many more connections the database refuses, as a pool does when every connection is taken. */
    private final AtomicInteger refusals = new AtomicInteger();
    private UsageLedger ledger;
    private JdbcClient jdbc;

    @BeforeEach
    void open() {
        db = TestDatabases.sqlite(dir);
        DataSource flaky = new DelegatingDataSource(db.source()) {
            @Override
            public Connection getConnection() throws SQLException {
                if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new SQLTransientConnectionException("cairn-db - Connection is not available, request timed out");
                }
                return super.getConnection();
            }
        };
        jdbc = JdbcClient.create(db.source());
        ledger = new UsageLedger(new UsageRepository(new JdbcTemplate(flaky), JdbcClient.create(flaky)),
                new TransactionTemplate(new DataSourceTransactionManager(flaky)), WriteGate.oneAtATime());
    }

    @AfterEach
    void close() throws InterruptedException {
        ledger.close();
        db.close();
    }

    private static UsageEvent event(String trace, int status) {
        return new UsageEvent(Instant.now(), "key_a", "ws", "chat.completions", "cairn/echo", "cairn", status, null, false,
                3, 4, 0, 1.0, 0.5, trace);
    }

    private int rows(String trace) {
        return jdbc.sql("SELECT COUNT(*) FROM usage_events WHERE trace_id = ?").param(trace).query(Integer.class).single();
    }

    @Test
    void anEventIsWrittenOnceTheDatabaseAnswersAgainHoweverOftenItFailedBefore() {
        refusals.set(6);
        CompletableFuture<Void> written = ledger.record(event("trace-kept", 200));

        UsageLedger.awaitWritten(written);

        assertThat(rows("trace-kept")).isEqualTo(1);
        assertThat(refusals).hasValue(0);
        assertThat(ledger.retries()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aRowTheDatabaseRefusesForGoodFailsItsOwnRequestAlone() {
        CompletableFuture<Void> good = ledger.record(event("trace-good", 200));
        // model is NOT NULL: a constraint, which no retry can pass.
        CompletableFuture<Void> bad = ledger.record(new UsageEvent(Instant.now(), "key_a", "ws", "chat.completions", null, "p",
                200, null, false, 0, 0, 0, 0, 0, "trace-bad"));

        UsageLedger.awaitWritten(good);
        assertThatThrownBy(() -> UsageLedger.awaitWritten(bad)).isInstanceOf(UsageException.class)
                .satisfies(e -> assertThat(((UsageException) e).error().code()).isEqualTo("usage_unavailable"));
        assertThat(rows("trace-good")).isEqualTo(1);
        assertThat(rows("trace-bad")).isZero();
    }
}
