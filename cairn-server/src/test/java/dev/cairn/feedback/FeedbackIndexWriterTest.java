package dev.cairn.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.cairn.platform.WriteGate;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The feedback index writer on SQLite and PostgreSQL: concurrent requests' rows share a transaction,
 * each caller returns only once its rows can be read, and a request whose rows fail fails alone.
 */
@Timeout(60)
class FeedbackIndexWriterTest {

    @TempDir
    static Path dir;

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    /** A TransactionTemplate that counts its transactions, to see requests share them. */
    private static final class CountingTransactions extends TransactionTemplate {
        final AtomicInteger count = new AtomicInteger();

        CountingTransactions(TestDatabase db) {
            super(new DataSourceTransactionManager(db.source()));
        }

        @Override
        public <T> T execute(TransactionCallback<T> action) {
            count.incrementAndGet();
            return super.execute(action);
        }
    }

    private record Fixture(FeedbackRepository repository, FeedbackIndexWriter writer, WriteGate gate,
                           CountingTransactions transactions) {
    }

    private static Fixture fixture(TestDatabase db) {
        CountingTransactions transactions = new CountingTransactions(db);
        FeedbackRepository repository = new FeedbackRepository(JdbcClient.create(db.source()),
                new JdbcTemplate(db.source()), transactions);
        WriteGate gate = WriteGate.oneAtATime();
        return new Fixture(repository, new FeedbackIndexWriter(repository, gate), gate, transactions);
    }

    private static FeedbackRepository.Row row(String id, String requestId, long logIndex) {
        return new FeedbackRepository.Row(id, "ws", requestId, null, "metric", 1, logIndex, Instant.ofEpochMilli(1_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentRequestsShareATransactionAndEachReadsItsRowsOnReturn(TestDatabase db) throws Exception {
        try (db) {
            Fixture f = fixture(db);
            int requests = 32;
            CountDownLatch handing = new CountDownLatch(requests);
            ConcurrentLinkedQueue<String> misses = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            try (WriteGate.Held held = f.gate().hold()) {
                // The gate held as the audit log's commit would: every request queues meanwhile.
                for (int i = 0; i < requests; i++) {
                    int n = i;
                    threads.add(Thread.ofVirtual().start(() -> {
                        String request = db.vendor() + "-req-" + n;
                        String key = n % 2 == 0 ? "key-" + n : null;
                        if (key != null) {
                            f.repository().claim("ws", db.vendor() + key, "digest", Instant.now());
                        }
                        handing.countDown();
                        f.writer().record(new FeedbackRepository.Recorded(
                                List.of(row(db.vendor() + "-fb-" + n + "a", request, 100 + 2L * n),
                                        row(db.vendor() + "-fb-" + n + "b", request, 101 + 2L * n)),
                                "ws", key == null ? null : db.vendor() + key, key == null ? null : "response " + n));
                        // Read your writes: the rows are there as soon as record returns.
                        if (f.repository().about("ws", request).size() != 2) {
                            misses.add(request);
                        }
                    }));
                }
                handing.await();
                Thread.sleep(300);
            }
            for (Thread thread : threads) {
                thread.join();
            }

            assertThat(misses).isEmpty();
            assertThat(f.transactions().count.get()).as("32 requests in a few transactions").isLessThanOrEqualTo(4);
            assertThat(f.repository().claimed("ws", db.vendor() + "key-4")).get()
                    .extracting(FeedbackRepository.Claim::response).isEqualTo("response 4");
            assertThat(f.repository().about("ws", db.vendor() + "-req-31"))
                    .extracting(FeedbackRepository.Row::logIndex).containsExactly(162L, 163L);
            f.writer().close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRequestWhoseRowsFailFailsAloneAndItsBatchIsStillWritten(TestDatabase db) throws Exception {
        try (db) {
            Fixture f = fixture(db);
            String taken = db.vendor() + "-fb-taken";
            f.writer().record(new FeedbackRepository.Recorded(List.of(row(taken, db.vendor() + "-first", 1)), "ws", null, null));

            AtomicInteger failed = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            try (WriteGate.Held held = f.gate().hold()) {
                for (int i = 0; i < 4; i++) {
                    String id = i == 2 ? taken : db.vendor() + "-fb-ok-" + i;
                    String request = db.vendor() + "-second-" + i;
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            f.writer().record(new FeedbackRepository.Recorded(List.of(row(id, request, 10)), "ws", null, null));
                        } catch (DataAccessException e) {
                            failed.incrementAndGet();
                        }
                    }));
                }
                Thread.sleep(300);
            }
            for (Thread thread : threads) {
                thread.join();
            }

            assertThat(failed.get()).as("only the request with the taken id").isEqualTo(1);
            assertThat(f.repository().about("ws", db.vendor() + "-second-2")).isEmpty();
            for (int i : new int[] {0, 1, 3}) {
                assertThat(f.repository().about("ws", db.vendor() + "-second-" + i)).hasSize(1);
            }
            assertThatThrownBy(() -> f.writer().record(
                    new FeedbackRepository.Recorded(List.of(row(taken, "again", 1)), "ws", null, null)))
                    .isInstanceOf(DataAccessException.class);
            f.writer().close();
        }
    }
}
