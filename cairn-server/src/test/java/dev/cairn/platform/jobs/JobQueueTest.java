package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.platform.Dialect;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The job queue on SQLite and PostgreSQL: running, retries, giving up, several processes, restart, shutdown. */
class JobQueueTest {

    @TempDir
    static Path dir;

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    /** Workers poll often and retry soon, so the tests take milliseconds, not the production seconds. */
    private static JobsProperties config(int workers, int maxAttempts, Duration backoff) {
        return new JobsProperties(workers, workers, Duration.ofMillis(20), backoff, Duration.ofSeconds(2), maxAttempts,
                Duration.ofSeconds(30), Duration.ofSeconds(5), true);
    }

    private static JobRepository repository(DataSource source) {
        return new JobRepository(new JdbcTemplate(source), Dialect.of(source));
    }

    /** The queues a test started; closing stops them all, before the database they use is closed. */
    private static final class Queues implements AutoCloseable {
        private final List<JobQueue> started = new ArrayList<>();

        JobQueue start(DataSource source, JobsProperties config, JobHandler... handlers) {
            JobQueue queue = new JobQueue(repository(source), new TransactionTemplate(new DataSourceTransactionManager(source)),
                    List.of(handlers), config);
            queue.start();
            started.add(queue);
            return queue;
        }

        @Override
        public void close() {
            started.forEach(JobQueue::stop);
        }
    }

    private static JobHandler handler(String kind, ThrowingConsumer body) {
        return new JobHandler() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public void run(Job job) throws Exception {
                body.accept(job);
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingConsumer {
        void accept(Job job) throws Exception;
    }

    private static StoredJob stored(DataSource source, String id) {
        return repository(source).find(id).orElseThrow();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static void awaitState(DataSource source, String id, StoredJob.State state) throws InterruptedException {
        await(id + " to be " + state.wireName(), () -> stored(source, id).state() == state);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void erasingASubjectDeletesItsQueuedJobsAndOverwritesWhatTheOthersHeld(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            JobQueue queue = queues.start(db.source(), config(1, 1, Duration.ofMillis(10)), handler("test.quoting", job -> {
                throw new IllegalStateException("could not read " + job.payload());
            }));
            String failed = queue.enqueueAll("test.quoting", "ws-e", "sub_alice", List.of("{\"text\":\"alice's words\"}")).getFirst();
            awaitState(db.source(), failed, StoredJob.State.FAILED);
            assertThat(stored(db.source(), failed).lastError()).contains("alice's words");
            String queued = queue.enqueueAll("nobody.handles", "ws-e", "sub_alice", List.of("{\"text\":\"more of alice\"}")).getFirst();
            String others = queue.enqueueAll("nobody.handles", "ws-e", "sub_bob", List.of("{\"text\":\"bob's\"}")).getFirst();
            String elsewhere = queue.enqueueAll("nobody.handles", "ws-other", "sub_alice", List.of("{\"n\":1}")).getFirst();

            JobQueue.Erased erased = queue.eraseSubject("ws-e", "sub_alice", 42);

            assertThat(erased).isEqualTo(new JobQueue.Erased(1, 1));
            assertThat(repository(db.source()).find(queued)).isEmpty();
            StoredJob scrubbed = stored(db.source(), failed);
            assertThat(scrubbed.payload()).isEqualTo("{\"erased_by\":42}");
            assertThat(scrubbed.lastError()).isEqualTo("Removed: the data subject was erased (audit entry 42)");
            assertThat(scrubbed.state()).isEqualTo(StoredJob.State.FAILED);
            assertThat(stored(db.source(), others).payload()).isEqualTo("{\"text\":\"bob's\"}");
            assertThat(stored(db.source(), elsewhere).payload()).as("a subject id is of one workspace").isEqualTo("{\"n\":1}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anEnqueuedJobRunsOnceAndSucceeds(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            List<Job> seen = new CopyOnWriteArrayList<>();
            JobQueue queue = queues.start(db.source(), config(1, 8, Duration.ofMillis(50)), handler("test.echo", seen::add));

            String id = queue.enqueue("test.echo", "ws-1", "{\"item\":\"itm_1\"}");
            assertThat(id).matches("job_[0-9A-Z]{26}");
            awaitState(db.source(), id, StoredJob.State.SUCCEEDED);

            assertThat(seen).containsExactly(new Job(id, "test.echo", "ws-1", "{\"item\":\"itm_1\"}", 1));
            StoredJob job = stored(db.source(), id);
            assertThat(job.attempts()).isEqualTo(1);
            assertThat(job.maxAttempts()).isEqualTo(8);
            assertThat(job.finishedAt()).isNotNull();
            assertThat(job.lockedUntil()).isNull();
            assertThat(job.lastError()).isNull();

            List<String> batch = queue.enqueueAll("test.echo", null, List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
            assertThat(batch).hasSize(3).doesNotHaveDuplicates();
            for (String batchId : batch) {
                awaitState(db.source(), batchId, StoredJob.State.SUCCEEDED);
            }
            assertThat(seen).extracting(Job::payload).containsExactlyInAnyOrder(
                    "{\"item\":\"itm_1\"}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
            assertThatThrownBy(() -> queue.enqueue("test.echo", null, "{not json"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aFailingJobIsRetriedWithGrowingBackoffUntilItSucceeds(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            record Run(int attempt, long startedAt, long runAfter, long failedAt) {
            }
            List<Run> runs = new CopyOnWriteArrayList<>();
            JobQueue queue = queues.start(db.source(), config(1, 8, Duration.ofMillis(200)), handler("test.flaky", job -> {
                long startedAt = System.currentTimeMillis();
                long runAfter = stored(db.source(), job.id()).runAfter().toEpochMilli();
                if (job.attempts() < 3) {
                    runs.add(new Run(job.attempts(), startedAt, runAfter, System.currentTimeMillis()));
                    throw new IllegalStateException("upstream down (attempt " + job.attempts() + ")");
                }
                runs.add(new Run(job.attempts(), startedAt, runAfter, 0));
            }));

            String id = queue.enqueue("test.flaky", "ws", "{}");
            awaitState(db.source(), id, StoredJob.State.SUCCEEDED);

            StoredJob job = stored(db.source(), id);
            assertThat(job.attempts()).isEqualTo(3);
            assertThat(job.lastError()).contains("IllegalStateException", "upstream down (attempt 2)");
            assertThat(runs).extracting(Run::attempt).containsExactly(1, 2, 3);
            // The wait after failure n is 200 ms · 2^(n-1), less up to a quarter: 150 to 200, then 300 to 400 ms.
            long firstWait = runs.get(1).runAfter() - runs.get(0).failedAt();
            long secondWait = runs.get(2).runAfter() - runs.get(1).failedAt();
            assertThat(firstWait).isGreaterThanOrEqualTo(150);
            assertThat(secondWait).isGreaterThanOrEqualTo(300).isGreaterThan(firstWait);
            assertThat(runs.get(2).runAfter()).isGreaterThan(runs.get(1).runAfter());
            // No run starts before it is due.
            assertThat(runs.get(1).startedAt()).isGreaterThanOrEqualTo(runs.get(1).runAfter());
            assertThat(runs.get(2).startedAt()).isGreaterThanOrEqualTo(runs.get(2).runAfter());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aJobThatKeepsFailingGivesUpAfterItsLastAttempt(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            AtomicInteger calls = new AtomicInteger();
            JobQueue queue = queues.start(db.source(), config(2, 3, Duration.ofMillis(10)), handler("test.broken", job -> {
                calls.incrementAndGet();
                throw new IllegalArgumentException("bad input " + job.attempts());
            }));

            String id = queue.enqueue("test.broken", null, "{\"x\":1}");
            awaitState(db.source(), id, StoredJob.State.FAILED);
            queue.stop();

            StoredJob job = stored(db.source(), id);
            assertThat(job.attempts()).isEqualTo(3);
            assertThat(job.lastError()).isEqualTo("java.lang.IllegalArgumentException: bad input 3");
            assertThat(job.finishedAt()).isNotNull();
            assertThat(job.lockedUntil()).isNull();
            assertThat(calls).hasValue(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoProcessesNeverRunTheSameJobTwice(TestDatabase db) throws Exception {
        try (db; HikariDataSource otherProcess = secondPool(db.dataSource()); Queues queues = new Queues()) {
            Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
            JobHandler counting = handler("test.count", job ->
                    runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet());
            JobQueue a = queues.start(db.source(), config(2, 8, Duration.ofMillis(10)), counting);
            queues.start(otherProcess, config(2, 8, Duration.ofMillis(10)), counting);

            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                payloads.add("{\"n\":" + i + "}");
            }
            List<String> ids = a.enqueueAll("test.count", "ws", payloads);
            JobRepository repository = repository(db.source());
            JobRepository.Filter all = new JobRepository.Filter(null, "test.count", null, null);
            await("200 jobs to succeed", () -> repository.counts(all).get(StoredJob.State.SUCCEEDED) == 200);
            queues.close();

            assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
            assertThat(repository.counts(all)).containsEntry(StoredJob.State.QUEUED, 0L).containsEntry(StoredJob.State.RUNNING, 0L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aJobLeftRunningByADeadProcessRunsAgainOnceItsLeaseHasExpired(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            // The dead process: it enqueued and claimed two jobs, then stopped; one lease has run out.
            JobQueue dead = queues.start(db.source(), config(0, 8, Duration.ofMillis(10)));
            String expired = dead.enqueue("test.resume", "ws", "{\"n\":1}");
            String live = dead.enqueue("test.resume", "ws", "{\"n\":2}");
            dead.stop();
            long now = System.currentTimeMillis();
            JdbcClient jdbc = JdbcClient.create(db.source());
            String claimed = "UPDATE jobs SET state = 'running', attempts = 1, locked_by = ?, locked_until = ? WHERE id = ?";
            jdbc.sql(claimed).params("lease_dead", now - 1, expired).update();
            jdbc.sql(claimed).params("lease_alive", now + 60_000, live).update();

            List<Job> seen = new CopyOnWriteArrayList<>();
            queues.start(db.source(), config(1, 8, Duration.ofMillis(10)), handler("test.resume", seen::add));
            awaitState(db.source(), expired, StoredJob.State.SUCCEEDED);

            assertThat(seen).extracting(Job::id).containsExactly(expired);
            assertThat(seen.getFirst().attempts()).isEqualTo(2);
            assertThat(stored(db.source(), expired).lastError()).contains("lease expired");
            StoredJob stillRunning = stored(db.source(), live);
            assertThat(stillRunning.state()).isEqualTo(StoredJob.State.RUNNING);
            assertThat(stillRunning.attempts()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void enqueueWakesAnIdleWorkerAndJobsWithoutAHandlerStayQueued(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            List<Job> seen = new CopyOnWriteArrayList<>();
            // Polling once a minute: only the wake-up on enqueue can get the job run within the test.
            JobsProperties slowPolling = new JobsProperties(1, 1, Duration.ofMinutes(1), Duration.ofMillis(10),
                    Duration.ofSeconds(1), 8, Duration.ofSeconds(30), Duration.ofSeconds(5), true);
            JobQueue queue = queues.start(db.source(), slowPolling, handler("test.echo", seen::add));
            Thread.sleep(100); // let the worker find nothing and go idle

            String orphan = queue.enqueue("nobody.handles", null, "{}");
            String handled = queue.enqueue("test.echo", null, "{}");
            await("the handled job to run", () -> !seen.isEmpty());
            awaitState(db.source(), handled, StoredJob.State.SUCCEEDED);

            StoredJob waiting = stored(db.source(), orphan);
            assertThat(waiting.state()).isEqualTo(StoredJob.State.QUEUED);
            assertThat(waiting.attempts()).isZero();
            assertThat(seen).extracting(Job::id).containsExactly(handled);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void shutdownLetsARunningJobFinish(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            CountDownLatch running = new CountDownLatch(1);
            JobQueue queue = queues.start(db.source(), config(1, 8, Duration.ofMillis(10)), handler("test.slow", job -> {
                running.countDown();
                Thread.sleep(300);
            }));
            String id = queue.enqueue("test.slow", null, "{}");
            assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();

            queue.stop();
            assertThat(stored(db.source(), id).state()).isEqualTo(StoredJob.State.SUCCEEDED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void shutdownQueuesAgainAJobThatOutlivesTheTimeout(TestDatabase db) throws Exception {
        try (db; Queues queues = new Queues()) {
            CountDownLatch running = new CountDownLatch(1);
            JobsProperties impatient = new JobsProperties(1, 1, Duration.ofMillis(20), Duration.ofMillis(10),
                    Duration.ofSeconds(1), 8, Duration.ofSeconds(30), Duration.ofMillis(100), true);
            JobQueue queue = queues.start(db.source(), impatient, handler("test.endless", job -> {
                running.countDown();
                Thread.sleep(60_000);
            }));
            String id = queue.enqueue("test.endless", null, "{}");
            assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();

            queue.stop();
            StoredJob job = stored(db.source(), id);
            assertThat(job.state()).isEqualTo(StoredJob.State.QUEUED);
            assertThat(job.attempts()).isZero();
            assertThat(job.lockedUntil()).isNull();
        }
    }

    /** Another pool on the same database, as a second Cairn process would have. */
    private static HikariDataSource secondPool(HikariDataSource first) {
        HikariConfig config = new HikariConfig();
        first.copyStateTo(config);
        config.setPoolName("second-process");
        return new HikariDataSource(config);
    }
}
