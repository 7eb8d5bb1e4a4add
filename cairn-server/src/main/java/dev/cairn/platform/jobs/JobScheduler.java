package dev.cairn.platform.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queues the job of every {@link JobSchedule} bean at its fire times. A fire is recorded in
 * {@code job_schedule_runs}, keyed by schedule and fire time, in the transaction that queues its job,
 * so it queues one job however many processes share the database and however often they restart.
 *
 * <p>A fire overtaken by a later one before it could be queued (the processes were down, the
 * database unreachable) is skipped: a process back after a week queues one weekly report, not a
 * backlog. A schedule owes no fire from before it was first seen, or before its cron last changed.
 * The timer thread sleeps until the next fire time and queries the database only at fire times, so
 * it costs nothing per request.
 */
@Component
public class JobScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);
    /** The longest sleep, so that a clock set forward is noticed within a minute; waking costs no query. */
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);
    /** How long a fire waits after the database refused it, so an outage is not met with a busy loop. */
    private static final Duration DATABASE_RETRY = Duration.ofSeconds(5);
    /** How long stop() waits for a fire being queued to commit before interrupting it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** A schedule as {@code /admin/jobs} shows it: when it fires next (null: never) and its latest fire, if any. */
    record Status(JobSchedule schedule, Instant nextRun, ScheduleRepository.Run lastRun) {
    }

    private final List<JobSchedule> schedules;
    private final JobQueue queue;
    private final ScheduleRepository repository;
    private final TransactionTemplate transactions;
    private final boolean enabled;
    private final Clock clock;
    /** Per schedule name, the fire time through which this process is done: queued here, queued by another, or skipped. */
    private final Map<String, Instant> doneThrough = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor timer;
    private volatile boolean running;

    @Autowired
    public JobScheduler(ObjectProvider<JobSchedule> schedules, JobQueue queue, ScheduleRepository repository,
                        TransactionTemplate transactions, JobsProperties config) {
        this(schedules.orderedStream().toList(), queue, repository, transactions, config.schedulesEnabled(), Clock.systemUTC());
    }

    JobScheduler(List<JobSchedule> schedules, JobQueue queue, ScheduleRepository repository, TransactionTemplate transactions,
                 boolean enabled, Clock clock) {
        Map<String, JobSchedule> byName = new HashMap<>();
        for (JobSchedule schedule : schedules) {
            JobSchedule previous = byName.putIfAbsent(schedule.name(), schedule);
            if (previous != null) {
                throw new IllegalStateException("Two job schedules named '" + schedule.name() + "': one queues "
                        + previous.kind() + " at '" + previous.cron() + "', the other " + schedule.kind() + " at '" + schedule.cron() + "'");
            }
        }
        this.schedules = List.copyOf(schedules);
        this.queue = queue;
        this.repository = repository;
        this.transactions = transactions;
        this.enabled = enabled;
        this.clock = clock;
    }

    /** Every schedule of this process, whether or not it runs them ({@code cairn.jobs.schedules-enabled}). */
    List<Status> status() {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        return schedules.stream().map(schedule -> {
            ZonedDateTime next = schedule.cron().next(now);
            return new Status(schedule, next == null ? null : next.toInstant(), repository.lastRun(schedule.name()).orElse(null));
        }).toList();
    }

    @Override
    public void start() {
        if (schedules.isEmpty()) {
            running = true;
            return;
        }
        if (!enabled) {
            log.info("Job schedules {} are left to other processes (cairn.jobs.schedules-enabled is false)",
                    schedules.stream().map(JobSchedule::name).toList());
            running = true;
            return;
        }
        register(clock.instant());
        running = true;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().name("cairn-jobs-scheduler").daemon().unstarted(r));
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = timer;
        timer.execute(() -> tick(timer)); // at once: a fire missed while no process ran is queued now
        log.info("Job schedules running: {}", schedules.stream().map(s -> s.name() + " (" + s.cron() + ", " + s.kind() + ")").toList());
    }

    /** Lets a fire being queued commit, then stops; the fires still to come are for the next start, or other processes. */
    @Override
    public void stop() {
        running = false;
        ScheduledThreadPoolExecutor timer = this.timer;
        this.timer = null;
        if (timer == null) {
            return;
        }
        timer.shutdown();
        try {
            if (!timer.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the job queue (3), so that it stops before the queue does. */
    @Override
    public int getPhase() {
        return 4;
    }

    /** Records this process's schedules as seen at {@code now}; fires before then are owed only if a schedule was known before. */
    void register(Instant now) {
        for (JobSchedule schedule : schedules) {
            Instant firstSeen = repository.register(schedule, now);
            Instant lastFire = repository.lastRun(schedule.name()).map(ScheduleRepository.Run::fireTime).orElse(firstSeen);
            doneThrough.put(schedule.name(), later(firstSeen, lastFire));
        }
    }

    /**
     * Queues, for each schedule, its latest fire after the one it is done through and at or before
     * {@code now}, unless another process has; answers when to look again: the next fire time, at
     * most {@link #LONGEST_SLEEP} away, or sooner to retry a fire the database refused.
     */
    Instant runDue(Instant now) {
        Instant wake = now.plus(LONGEST_SLEEP);
        for (JobSchedule schedule : schedules) {
            Instant done = doneThrough.get(schedule.name());
            if (done == null) {
                continue; // not registered: this process does not run schedules
            }
            Optional<Instant> fire = latestFire(schedule.cron(), done, now);
            if (fire.isPresent()) {
                Instant skippedFrom = nextFire(schedule.cron(), done);
                if (skippedFrom != null && skippedFrom.isBefore(fire.get())) {
                    log.warn("Job schedule {} missed its fires from {} to before {} (no process ran it, or the database"
                            + " was unreachable); only the latest is queued", schedule.name(), skippedFrom, fire.get());
                }
                try {
                    enqueue(schedule, fire.get(), now);
                } catch (RuntimeException e) {
                    log.error("Could not queue the {} fire of job schedule {}; trying again in {}", fire.get(),
                            schedule.name(), DATABASE_RETRY, e);
                    wake = earlier(wake, now.plus(DATABASE_RETRY));
                    continue;
                }
                doneThrough.put(schedule.name(), fire.get());
            }
            Instant next = nextFire(schedule.cron(), later(doneThrough.get(schedule.name()), now));
            if (next != null) {
                wake = earlier(wake, next);
            }
        }
        return wake;
    }

    /**
     * Queues the job of {@code schedule}'s fire at {@code fireTime} and records the fire, in one
     * transaction; answers the job's id, or empty when the fire was queued already (by this or
     * another process) or its payload could not be made. Throws when the database fails.
     */
    Optional<String> enqueue(JobSchedule schedule, Instant fireTime, Instant now) {
        String payload;
        try {
            payload = schedule.payload().apply(fireTime);
            JobQueue.requireJson(schedule.kind(), payload);
        } catch (RuntimeException e) {
            // A bug of the schedule's, which trying again would not mend.
            log.error("Job schedule {} could not make the payload of its {} fire; that fire is skipped", schedule.name(), fireTime, e);
            return Optional.empty();
        }
        Optional<String> queued = transactions.execute(status -> {
            if (repository.hasRun(schedule.name(), fireTime)) {
                return Optional.<String>empty();
            }
            String id = queue.enqueue(schedule.kind(), schedule.workspace(), payload);
            if (!repository.recordRun(schedule.name(), fireTime, id, now)) {
                status.setRollbackOnly(); // another process recorded this fire meanwhile: its job is the one
                return Optional.<String>empty();
            }
            return Optional.of(id);
        });
        queued.ifPresent(id -> log.info("Job schedule {} queued job {} ({}) for its {} fire", schedule.name(), id,
                schedule.kind(), fireTime));
        return queued;
    }

    private void tick(ScheduledThreadPoolExecutor timer) {
        Instant wake;
        try {
            wake = runDue(clock.instant());
        } catch (RuntimeException e) {
            log.error("Job schedules failed; looking again in {}", DATABASE_RETRY, e);
            wake = clock.instant().plus(DATABASE_RETRY);
        }
        long nanos = Math.clamp(Duration.between(clock.instant(), wake).toNanos(), 0, LONGEST_SLEEP.toNanos());
        if (running) {
            try {
                // Rounded up to the millisecond, so that the timer does not wake just before the fire and find it not yet due.
                timer.schedule(() -> tick(timer), (nanos + 999_999) / 1_000_000, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // stopped meanwhile
            }
        }
    }

    /**
     * The latest fire time of {@code cron} after {@code after} and at or before {@code now}, if any.
     * Found by bisection over whole seconds (fire times are whole seconds), so that a schedule firing
     * every second costs some 40 steps after a month of downtime, not millions.
     */
    static Optional<Instant> latestFire(CronExpression cron, Instant after, Instant now) {
        // Invariant: the first fire after second lo is at or before now; the first after second hi is not.
        long lo = after.getEpochSecond();
        long hi = now.getEpochSecond();
        if (lo >= hi || !firesBy(cron, lo, now)) {
            return Optional.empty();
        }
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (firesBy(cron, mid, now)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Optional.of(nextFire(cron, Instant.ofEpochSecond(lo)));
    }

    /** The first fire time of {@code cron} after {@code after}; null if it never fires again. */
    static Instant nextFire(CronExpression cron, Instant after) {
        ZonedDateTime next = cron.next(after.atZone(ZoneOffset.UTC));
        return next == null ? null : next.toInstant();
    }

    private static boolean firesBy(CronExpression cron, long afterSecond, Instant now) {
        Instant next = nextFire(cron, Instant.ofEpochSecond(afterSecond));
        return next != null && !next.isAfter(now);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
