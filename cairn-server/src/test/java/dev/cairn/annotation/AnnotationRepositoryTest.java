package dev.cairn.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.cairn.platform.Dialect;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims on PostgreSQL, where transactions run concurrently (SQLite takes its write lock at BEGIN,
 * and {@link AnnotationEndToEndTest} races it through the server): 32 threads never hand an item
 * beyond its quota, nor to one annotator twice.
 */
class AnnotationRepositoryTest {

    @Test
    void thirtyTwoThreadsClaimingOnPostgresqlStayWithinQuota() throws Exception {
        try (TestDatabase db = TestDatabases.postgres()) {
            AnnotationRepository repository = new AnnotationRepository(JdbcClient.create(db.source()),
                    new TransactionTemplate(new JdbcTransactionManager(db.source())), Dialect.POSTGRESQL);
            AnnotationQueue queue = new AnnotationQueue("aq_race", "ws", "race", null, null, new QueueFilter(null, null, null, null, null),
                    List.of(new Question("q", Question.Type.TEXT, null)), 2, Duration.ofMinutes(5), AnnotationQueue.State.ACTIVE,
                    "key_x", Instant.now(), null);
            List<LogScan.Candidate> items = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                items.add(new LogScan.Candidate("req_" + i, i));
            }
            repository.create(queue, new LogScan.Result(items, 10));

            List<String> handed = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                String annotator = "key_" + (t % 4);
                threads.add(pool.submit(() -> {
                    start.await();
                    Optional<AnnotationRepository.Lease> lease;
                    while ((lease = repository.claim(queue, annotator, Instant.now(), null)).isPresent()) {
                        handed.add(annotator + ":" + lease.get().item());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> thread : threads) {
                thread.get();
            }
            pool.shutdown();

            assertThat(new HashSet<>(handed)).as("no annotator got an item twice").hasSameSizeAs(handed);
            Map<String, Integer> perItem = new HashMap<>();
            handed.forEach(h -> perItem.merge(h.substring(h.indexOf(':') + 1), 1, Integer::sum));
            assertThat(perItem).hasSize(10);
            assertThat(perItem.values()).allMatch(n -> n == 2);
        }
    }

    @Test
    void aStretchOfTheLogReadByManyClaimsBecomesItemsOnceOnPostgresql() throws Exception {
        try (TestDatabase db = TestDatabases.postgres()) {
            AnnotationRepository repository = new AnnotationRepository(JdbcClient.create(db.source()),
                    new TransactionTemplate(new JdbcTransactionManager(db.source())), Dialect.POSTGRESQL);
            AnnotationQueue queue = new AnnotationQueue("aq_follow", "ws", "follow", null, null, new QueueFilter(null, null, null, null, null),
                    List.of(new Question("q", Question.Type.TEXT, null)), 1, Duration.ofMinutes(5), AnnotationQueue.State.ACTIVE,
                    "key_x", Instant.now(), null);
            repository.create(queue, new LogScan.Result(List.of(), 3));
            AnnotationRepository.Cursor cursor = repository.cursor(queue.id()).orElseThrow();
            List<LogScan.Candidate> found = new ArrayList<>();
            for (int i = 4; i < 14; i++) {
                found.add(new LogScan.Candidate("req_" + i, i));
            }
            AnnotationRepository.Refill refill = new AnnotationRepository.Refill(cursor, new LogScan.Result(found, 20));

            // Every thread read the same stretch (as claims racing on several processes would) and hands it in.
            List<Long> handed = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                String annotator = "key_" + t;
                threads.add(pool.submit(() -> {
                    start.await();
                    repository.claim(queue, annotator, Instant.now(), refill).ifPresent(lease -> handed.add(lease.item()));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> thread : threads) {
                thread.get();
            }
            pool.shutdown();

            assertThat(repository.items(queue.id())).as("taken in once").isEqualTo(10);
            assertThat(handed).hasSize(10).doesNotHaveDuplicates();
            assertThat(repository.cursor(queue.id()).orElseThrow().scannedTo()).isEqualTo(20);

            AnnotationRepository.Refill stale = new AnnotationRepository.Refill(
                    new AnnotationRepository.Cursor(AnnotationQueue.State.ACTIVE, 20, "{\"filter\":{\"model\":\"old\"}}"),
                    new LogScan.Result(List.of(new LogScan.Candidate("req_30", 30)), 30));
            repository.claim(queue, "key_late", Instant.now(), stale);
            assertThat(repository.items(queue.id())).as("read under another filter: dropped").isEqualTo(10);
        }
    }
}
