package dev.cairn.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.platform.Dialect;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Job schedules on SQLite and PostgreSQL. Most tests hand the scheduler the time ({@code register},
 * {@code runDue}) instead of waiting for it: the times are in 2030, and each fire's job stays queued
 * (the queue is never started) for the test to read. One test runs the timer and workers for real.
 */
class JobSchedulerTest {

    @TempDir
    static Path dir;

    /** Half a second past a whole second, as a process's clock is when it starts. */
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.500Z");
    private static final String TICK = "test.tick";

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    /** Fires every second; the payload names the fire time, so each job says which fire queued it. */
    private static JobSchedule everySecond(String name) {
        return everySecond(name, TICK);
    }

    private static JobSchedule everySecond(String name, String kind) {
        return new JobSchedule(name, CronExpression.parse("* * * * * *"), kind, "ws-sched", fire -> "{\"fire\":\"" + fire + "\"}");
    }

    /** Like compliance's monthly report: 03:00 UTC on the 1st, naming the month that has just ended. */
    private static JobSchedule monthly(String cron) {
        return new JobSchedule("test.monthly", CronExpression.parse(cron), "test.report", null, fire ->
                "{\"month\":\"" + YearMonth.from(fire.atZone(ZoneOffset.UTC)).minusMonths(1) + "\"}");
    }

    /** A scheduler as one process has it, over a queue that stores jobs and runs none. */
    private static JobScheduler scheduler(DataSource source, JobSchedule... schedules) {
        return new JobScheduler(List.of(schedules), TestJobQueues.idle(source), new ScheduleRepository(new JdbcTemplate(source)),
                new TransactionTemplate(new DataSourceTransactionManager(source)), true, Clock.systemUTC());
    }

    private static JobRepository jobs(DataSource source) {
        return new JobRepository(new JdbcTemplate(source), Dialect.of(source));
    }

    /** The fire times recorded for {@code schedule}, in order. */
    private static List<Instant> fires(DataSource source, String schedule) {
        return JdbcClient.create(source).sql("SELECT fire_time FROM job_schedule_runs WHERE schedule = ? ORDER BY fire_time")
                .param(schedule).query(Long.class).list().stream().map(Instant::ofEpochMilli).toList();
    }

    /** The jobs of {@code schedule}'s fires. The SQLite file is shared by the tests, so each has schedules of its own. */
    private static List<StoredJob> jobsOf(DataSource source, String schedule) {
        return jobs(source).list(new JobRepository.Filter(null, null, null, schedule), null, 1000);
    }

    private static Instant second(int n) {
        return Instant.parse("2030-01-01T00:00:00Z").plusSeconds(n);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aFireQueuesExactlyOneJobNamingItsScheduleAndFireTime(TestDatabase db) {
        try (db) {
            JobScheduler scheduler = scheduler(db.source(), everySecond("test.every-second"));
            scheduler.register(T0);

            assertThat(scheduler.runDue(T0)).as("sleeps until the next fire").isEqualTo(second(1));
            assertThat(jobsOf(db.source(), "test.every-second")).isEmpty();

            assertThat(scheduler.runDue(second(1).plusMillis(200))).isEqualTo(second(2));
            assertThat(scheduler.runDue(second(1).plusMillis(900))).isEqualTo(second(2));

            List<StoredJob> queued = jobsOf(db.source(), "test.every-second");
            assertThat(queued).hasSize(1);
            StoredJob job = queued.getFirst();
            assertThat(job.state()).isEqualTo(StoredJob.State.QUEUED);
            assertThat(job.workspace()).isEqualTo("ws-sched");
            assertThat(job.payload()).isEqualTo("{\"fire\":\"2030-01-01T00:00:01Z\"}");
            assertThat(job.fire()).isEqualTo(new StoredJob.Fire("test.every-second", second(1)));
            assertThat(fires(db.source(), "test.every-second")).containsExactly(second(1));
            assertThat(jobs(db.source()).list(new JobRepository.Filter(null, null, null, "test.every-second"), null, 10))
                    .extracting(StoredJob::id).containsExactly(job.id());

            ScheduleRepository.Run last = new ScheduleRepository(new JdbcTemplate(db.source())).lastRun("test.every-second").orElseThrow();
            assertThat(last).isEqualTo(new ScheduleRepository.Run(second(1), job.id(), StoredJob.State.QUEUED));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRestartAfterMissedFiresQueuesOnlyTheLatestOfThem(TestDatabase db) {
        try (db) {
            JobScheduler before = scheduler(db.source(), everySecond("test.restart"));
            before.register(T0);
            before.runDue(second(1).plusMillis(100));

            // Down from 00:00:01.1 to 00:00:10.5: fires 2 to 10 were missed, and only 10 is owed.
            JobScheduler after = scheduler(db.source(), everySecond("test.restart"));
            after.register(second(10).plusMillis(500));
            assertThat(after.runDue(second(10).plusMillis(500))).isEqualTo(second(11));
            after.runDue(second(10).plusMillis(600));

            assertThat(fires(db.source(), "test.restart")).containsExactly(second(1), second(10));
            assertThat(jobsOf(db.source(), "test.restart")).extracting(StoredJob::payload).containsExactlyInAnyOrder(
                    "{\"fire\":\"2030-01-01T00:00:01Z\"}", "{\"fire\":\"2030-01-01T00:00:10Z\"}");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNewScheduleOrANewCronDoesNotFireForThePast(TestDatabase db) {
        try (db) {
            // Seen first on 10 March: the fire of 1 March 03:00 was before it and is not owed.
            Instant march10 = Instant.parse("2030-03-10T12:00:00Z");
            JobScheduler first = scheduler(db.source(), monthly("0 0 3 1 * *"));
            first.register(march10);
            assertThat(first.runDue(march10)).as("a far fire: look again in a minute, without a query").isEqualTo(march10.plusSeconds(60));
            assertThat(jobsOf(db.source(), "test.monthly")).isEmpty();

            // The next fire comes: it names the month that has just ended.
            first.runDue(Instant.parse("2030-04-01T03:00:00Z"));
            assertThat(jobsOf(db.source(), "test.monthly")).extracting(StoredJob::payload).containsExactly("{\"month\":\"2030-03\"}");

            // Restarted on 15 April at 04:00 on the 1st instead: 1 April 04:00 was before that cron was seen.
            Instant april15 = Instant.parse("2030-04-15T00:00:00Z");
            JobScheduler changed = scheduler(db.source(), monthly("0 0 4 1 * *"));
            changed.register(april15);
            changed.runDue(april15);
            assertThat(fires(db.source(), "test.monthly")).containsExactly(Instant.parse("2030-04-01T03:00:00Z"));
            changed.runDue(Instant.parse("2030-05-01T04:00:00.300Z"));
            assertThat(fires(db.source(), "test.monthly"))
                    .containsExactly(Instant.parse("2030-04-01T03:00:00Z"), Instant.parse("2030-05-01T04:00:00Z"));
            assertThat(JdbcClient.create(db.source()).sql("SELECT cron FROM job_schedules WHERE name = 'test.monthly'")
                    .query(String.class).single()).isEqualTo("0 0 4 1 * *");
        }
    }

    @Test
    void twoProcessesRacingOverTheSameFiresQueueEachFireOnce() throws Exception {
        try (TestDatabase db = TestDatabases.postgres(); HikariDataSource otherProcess = secondPool(db.dataSource())) {
            JobScheduler a = scheduler(db.source(), everySecond("test.race"));
            JobScheduler b = scheduler(otherProcess, everySecond("test.race"));
            a.register(T0);
            b.register(T0.plusMillis(300));

            int fires = 30;
            CyclicBarrier together = new CyclicBarrier(2);
            Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            List<Thread> processes = new ArrayList<>();
            for (JobScheduler scheduler : List.of(a, b)) {
                processes.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= fires; i++) {
                        try {
                            together.await(20, TimeUnit.SECONDS);
                            scheduler.runDue(second(i).plusMillis(10));
                        } catch (Exception e) {
                            failures.computeIfAbsent(e.toString(), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread process : processes) {
                process.join(Duration.ofSeconds(60));
            }

            assertThat(failures).isEmpty();
            List<Instant> expected = Stream.iterate(1, i -> i + 1).limit(fires).map(JobSchedulerTest::second).toList();
            assertThat(fires(db.source(), "test.race")).containsExactlyElementsOf(expected);
            List<StoredJob> queued = jobsOf(db.source(), "test.race");
            assertThat(queued).hasSize(fires);
            assertThat(queued).extracting(job -> job.fire().time()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aProcessThatLosesTheRaceForAFireRollsBackItsJob() throws Exception {
        try (TestDatabase db = TestDatabases.postgres(); HikariDataSource otherProcess = secondPool(db.dataSource())) {
            JobSchedule schedule = everySecond("test.lost-race");
            JobScheduler a = scheduler(db.source(), schedule);
            JobScheduler b = scheduler(otherProcess, schedule);
            a.register(T0);
            b.register(T0);
            AtomicReference<Optional<String>> won = new AtomicReference<>();
            AtomicReference<Optional<String>> lost = new AtomicReference<>();
            AtomicReference<Thread> loser = new AtomicReference<>();

            // a has queued and recorded fire 1 but not committed when b, which saw no record of it, tries.
            new TransactionTemplate(new DataSourceTransactionManager(db.source())).executeWithoutResult(status -> {
                won.set(a.enqueue(schedule, second(1), second(1)));
                loser.set(Thread.ofPlatform().start(() -> lost.set(b.enqueue(schedule, second(1), second(1)))));
                try {
                    loser.get().join(Duration.ofMillis(500));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(loser.get().isAlive()).as("b waits for a's record of the fire").isTrue();
            });
            loser.get().join(Duration.ofSeconds(20));

            assertThat(won.get()).isPresent();
            assertThat(lost.get()).isEmpty();
            assertThat(jobsOf(db.source(), "test.lost-race")).extracting(StoredJob::id).containsExactly(won.get().orElseThrow());
            assertThat(fires(db.source(), "test.lost-race")).containsExactly(second(1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theTimerQueuesEachFireAsItComesAndAWorkerRunsIt(TestDatabase db) throws Exception {
        try (db) {
            Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
            JobHandler handler = new JobHandler() {
                @Override
                public String kind() {
                    return "test.timer";
                }

                @Override
                public void run(Job job) {
                    runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
                }
            };
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(db.source()));
            JobQueue queue = new JobQueue(jobs(db.source()), transactions, List.of(handler), new JobsProperties(1, 0,
                    Duration.ofMillis(20), Duration.ofMillis(10), Duration.ofSeconds(1), 3, Duration.ofSeconds(30),
                    Duration.ofSeconds(5), true));
            JobScheduler scheduler = new JobScheduler(List.of(everySecond("test.timer", "test.timer")), queue,
                    new ScheduleRepository(new JdbcTemplate(db.source())), transactions, true, Clock.systemUTC());
            queue.start();
            scheduler.start();
            try {
                JobRepository repository = jobs(db.source());
                JobRepository.Filter ticks = new JobRepository.Filter(StoredJob.State.SUCCEEDED, null, null, "test.timer");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (repository.list(ticks, null, 10).size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                scheduler.stop();
                queue.stop();
            }

            List<Instant> fired = fires(db.source(), "test.timer");
            assertThat(fired).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates().isSorted()
                    .allSatisfy(fire -> assertThat(fire.getNano()).as("a whole second").isZero());
            List<StoredJob> queued = jobsOf(db.source(), "test.timer");
            assertThat(queued).hasSize(fired.size());
            assertThat(queued.stream().filter(job -> job.state() == StoredJob.State.SUCCEEDED))
                    .allSatisfy(job -> assertThat(runs.get(job.id())).hasValue(1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPayloadThatCannotBeMadeSkipsItsFireAndTheNextOneStillComes(TestDatabase db) {
        try (db) {
            JobSchedule fussy = new JobSchedule("test.fussy", CronExpression.parse("* * * * * *"), TICK, null, fire -> {
                if (fire.getEpochSecond() % 2 == 1) {
                    throw new IllegalStateException("odd seconds are not wanted");
                }
                return fire.getEpochSecond() % 4 == 2 ? "{not json" : "{}";
            });
            JobScheduler scheduler = scheduler(db.source(), fussy);
            scheduler.register(T0);
            for (int i = 1; i <= 4; i++) {
                assertThat(scheduler.runDue(second(i))).isEqualTo(second(i + 1));
            }
            assertThat(fires(db.source(), "test.fussy")).containsExactly(second(4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aProcessWithSchedulesDisabledLeavesThemAlone(TestDatabase db) {
        try (db) {
            JobScheduler scheduler = new JobScheduler(List.of(everySecond("test.disabled")), TestJobQueues.idle(db.source()),
                    new ScheduleRepository(new JdbcTemplate(db.source())),
                    new TransactionTemplate(new DataSourceTransactionManager(db.source())), false, Clock.systemUTC());
            scheduler.start();
            assertThat(scheduler.isRunning()).isTrue();
            scheduler.stop();

            assertThat(JdbcClient.create(db.source()).sql("SELECT COUNT(*) FROM job_schedules WHERE name = 'test.disabled'").query(Long.class).single()).isZero();
            assertThat(scheduler.status()).singleElement().satisfies(status -> {
                assertThat(status.schedule().name()).isEqualTo("test.disabled");
                assertThat(status.nextRun()).isAfter(Instant.now().minusSeconds(1));
                assertThat(status.lastRun()).isNull();
            });
        }
    }

    @Test
    void twoSchedulesMayNotShareAName() {
        assertThatThrownBy(() -> new JobScheduler(List.of(everySecond("test.twin"), monthly("0 0 3 1 * *"),
                everySecond("test.twin")), null, null, null, true, Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Two job schedules named 'test.twin'");
    }

    @Test
    void theLatestFireIsFoundWithoutWalkingEveryFireSince() {
        CronExpression everySecond = CronExpression.parse("* * * * * *");
        CronExpression monthly = CronExpression.parse("0 0 3 1 * *");
        Instant now = Instant.parse("2030-03-15T10:20:30.250Z");

        assertThat(JobScheduler.latestFire(everySecond, now.minus(Duration.ofDays(365)), now))
                .contains(Instant.parse("2030-03-15T10:20:30Z"));
        assertThat(JobScheduler.latestFire(monthly, Instant.parse("2020-01-01T00:00:00Z"), now))
                .contains(Instant.parse("2030-03-01T03:00:00Z"));
        assertThat(JobScheduler.latestFire(monthly, Instant.parse("2030-03-01T03:00:00Z"), now))
                .as("a fire at the lower bound is done already").isEmpty();
        assertThat(JobScheduler.latestFire(monthly, Instant.parse("2030-03-01T02:59:59.999Z"), Instant.parse("2030-03-01T03:00:00Z")))
                .as("a fire right now is due").contains(Instant.parse("2030-03-01T03:00:00Z"));
        assertThat(JobScheduler.latestFire(everySecond, now, now.minusSeconds(5))).as("a clock set back").isEmpty();
        assertThat(JobScheduler.latestFire(CronExpression.parse("0 0 0 29 2 *"), Instant.parse("2030-01-01T00:00:00Z"), now))
                .as("no 29 February between").isEmpty();
    }

    /** Another pool on the same database, as a second Cairn process would have. */
    private static HikariDataSource secondPool(HikariDataSource first) {
        HikariConfig config = new HikariConfig();
        first.copyStateTo(config);
        config.setPoolName("second-process");
        return new HikariDataSource(config);
    }
}
