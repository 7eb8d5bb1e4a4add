package dev.cairn.platform.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;

/**
 * Runs slow work off the request path: callers {@link #enqueue} a job of some kind with a JSON
 * payload, and worker threads of any Cairn process on the same database claim it once it is due and
 * run it with the {@link JobHandler} of its kind. Jobs are kept in the database, so they survive a
 * restart; a failed job is tried again with backoff until its attempts are spent.
 */
@Component
public class JobQueue implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    /** How long a worker waits after the database refused a claim, so an outage is not met with a busy loop. */
    private static final Duration DATABASE_RETRY = Duration.ofSeconds(1);
    /** How long interrupted jobs get, at shutdown, to end and be queued again. */
    private static final Duration INTERRUPTED_GRACE = Duration.ofSeconds(1);
    /** last_error keeps the start of long messages: enough to see what failed, small enough to list. */
    private static final int MAX_ERROR_CHARS = 2000;

    private final JobRepository repository;
    private final TransactionTemplate transactions;
    private final Map<String, JobHandler> handlers;
    private final JobsProperties config;
    private final Backoff backoff;
    /** Claims being run by this process's workers, whose leases the keeper renews. */
    private final Map<String, JobRepository.Claim> inFlight = new ConcurrentHashMap<>();
    private final Set<String> unhandledKindsLogged = ConcurrentHashMap.newKeySet();
    private final List<Thread> workers = new ArrayList<>();
    /** Counts wake-ups, so that a worker that found nothing does not sleep through an enqueue that came meanwhile. */
    private final Object signal = new Object();
    private long signals;
    private PeriodicTask keeper;
    private volatile boolean running;
    /** Set when shutdown gave up waiting and interrupted the workers: their jobs go back to the queue. */
    private volatile boolean abandoning;

    public JobQueue(JobRepository repository, TransactionTemplate transactions, List<JobHandler> handlers,
                    JobsProperties config) {
        this.repository = repository;
        this.transactions = transactions;
        this.config = config;
        this.backoff = new Backoff(config.backoff(), config.maxBackoff());
        Map<String, JobHandler> byKind = new ConcurrentHashMap<>();
        for (JobHandler handler : handlers) {
            String kind = handler.kind();
            if (kind == null || kind.isBlank()) {
                throw new IllegalStateException("Job handler " + handler.getClass().getName() + " has no kind");
            }
            JobHandler previous = byKind.putIfAbsent(kind, handler);
            if (previous != null) {
                throw new IllegalStateException("Two job handlers for kind '" + kind + "': "
                        + previous.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
        this.handlers = Map.copyOf(byKind);
    }

    /**
     * Queues one job, due at once, and returns its id ({@code job_...}). {@code workspace} may be null;
     * {@code payloadJson} must be JSON (an object, usually) and is stored in the clear, so it should
     * name what to work on (an item id) rather than carry personal content. Inside a transaction the
     * job is part of it, and workers hear of it at commit.
     */
    public String enqueue(String kind, String workspace, String payloadJson) {
        return enqueueAll(kind, workspace, List.of(payloadJson)).getFirst();
    }

    /** Queues one job per payload, all of one kind and workspace, in one transaction; returns their ids in order. */
    public List<String> enqueueAll(String kind, String workspace, List<String> payloadsJson) {
        return enqueueAll(kind, workspace, null, payloadsJson);
    }

    /**
     * The same for jobs that work on a data subject's content ({@code subjectId}, its pseudonym):
     * erasing the subject deletes them while queued and overwrites their payloads afterwards
     * ({@link #eraseSubject}).
     */
    public List<String> enqueueAll(String kind, String workspace, String subjectId, List<String> payloadsJson) {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("A job needs a kind");
        }
        if (payloadsJson.isEmpty()) {
            return List.of();
        }
        for (String payload : payloadsJson) {
            requireJson(kind, payload);
        }
        if (!handlers.containsKey(kind)) {
            logUnhandled(kind);
        }
        List<String> ids = transactions.execute(status -> repository.insert(kind, workspace, subjectId, payloadsJson,
                config.maxAttempts(), System.currentTimeMillis()));
        wakeAfterCommit();
        return ids;
    }

    /** What {@link #eraseSubject} did: queued jobs deleted, others' payloads and errors overwritten. */
    public record Erased(int deleted, int scrubbed) {
    }

    /**
     * Erases a data subject from the queue: its queued jobs are deleted, and every other job of it
     * (running, succeeded, failed) keeps its row, for the job listing, with its payload replaced by
     * {@code {"erased_by": erasureIndex}} and its last error, which may quote what it worked on, by a
     * sentence saying why. A running job's worker already holds the payload; what it writes after
     * this carries the subject too and is found by the next erasure.
     */
    public Erased eraseSubject(String workspace, String subjectId, long erasureIndex) {
        String payload = JsonBodies.JSON.createObjectNode().put("erased_by", erasureIndex).toString();
        String error = "Removed: the data subject was erased (audit entry " + erasureIndex + ")";
        JobRepository.Erased erased = transactions.execute(status -> repository.eraseSubject(workspace, subjectId, payload,
                error, System.currentTimeMillis()));
        return new Erased(erased.deleted(), erased.scrubbed());
    }

    /**
     * Whether job {@code id} may still run: queued (due now or later), or running under a lease. False
     * once it succeeded or gave up, and for an unknown id; lets a feature tell work that is on its way
     * from work whose job ended without doing it (the process of its last attempt died).
     */
    public boolean pending(String id) {
        return id != null && repository.find(id)
                .map(job -> job.state() == StoredJob.State.QUEUED || job.state() == StoredJob.State.RUNNING)
                .orElse(false);
    }

    @Override
    public void start() {
        abandoning = false;
        keep(); // before the first claim, so jobs a dead process left running are queued again
        running = true;
        Duration every = config.lease().dividedBy(3);
        keeper = PeriodicTask.start("cairn-jobs-keeper", every, every, this::keep);
        List<String> shortKinds = handlers.values().stream().filter(h -> !h.isLong()).map(JobHandler::kind).sorted().toList();
        List<String> longKinds = handlers.values().stream().filter(JobHandler::isLong).map(JobHandler::kind).sorted().toList();
        startWorkers("cairn-jobs-", shortKinds, config.workers());
        startWorkers("cairn-jobs-long-", longKinds, config.longWorkers());
        log.info("Job queue open with {} workers for kinds {} and {} for long kinds {}", shortKinds.isEmpty() ? 0 : config.workers(),
                shortKinds, longKinds.isEmpty() ? 0 : config.longWorkers(), longKinds);
    }

    /**
     * Stops claiming and waits up to {@code cairn.jobs.shutdown-timeout} for running jobs to finish;
     * jobs still running then are interrupted and queued again, uncounted.
     */
    @Override
    public void stop() {
        running = false;
        wake();
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        try {
            for (Thread worker : workers) {
                worker.join(Duration.ofNanos(deadline - System.nanoTime()));
            }
            if (workers.stream().anyMatch(Thread::isAlive)) {
                log.warn("Jobs still running after {}; interrupting them: {}", config.shutdownTimeout(), inFlight.keySet());
                abandoning = true;
                workers.forEach(Thread::interrupt);
                for (Thread worker : workers) {
                    worker.join(INTERRUPTED_GRACE);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            workers.clear();
            // Renewing leases until the last worker is done keeps a long job from being taken meanwhile.
            if (keeper != null) {
                keeper.close();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the audit log (phases 0 to 2), so that jobs may record audit events from their first to their last. */
    @Override
    public int getPhase() {
        return 3;
    }

    private void startWorkers(String name, List<String> kinds, int count) {
        if (kinds.isEmpty()) {
            return;
        }
        for (int i = 1; i <= count; i++) {
            workers.add(Thread.ofPlatform().name(name + i).daemon().start(() -> work(kinds)));
        }
    }

    private void work(List<String> kinds) {
        while (running) {
            long seen = signalCount();
            JobRepository.Claim claim;
            try {
                long now = System.currentTimeMillis();
                claim = repository.claim(kinds, now, now + config.lease().toMillis()).orElse(null);
            } catch (RuntimeException e) {
                log.error("Claiming a job failed; trying again in {}", DATABASE_RETRY, e);
                idle(seen, DATABASE_RETRY);
                continue;
            }
            if (claim == null) {
                idle(seen, config.pollInterval());
            } else {
                run(claim);
            }
        }
    }

    private void run(JobRepository.Claim claim) {
        Job job = claim.job();
        inFlight.put(job.id(), claim);
        Throwable failure = null;
        try {
            handlers.get(job.kind()).run(job);
        } catch (Throwable e) {
            failure = e; // any failure, an AssertionError or a missing class too, is the job's and not the worker's
        }
        try {
            finish(claim, failure, System.currentTimeMillis());
        } catch (RuntimeException e) {
            log.error("Could not record the outcome of job {}; it runs again once its lease expires", job.id(), e);
        } finally {
            inFlight.remove(job.id());
            Thread.interrupted(); // an interrupt meant for this job must not cut short the next claim
        }
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private void finish(JobRepository.Claim claim, Throwable failure, long now) {
        Job job = claim.job();
        if (failure == null) {
            record(claim, "success", repository.succeed(claim, now));
        } else if (abandoning) {
            log.warn("Job {} ({}) was interrupted by shutdown; it is queued again", job.id(), job.kind());
            record(claim, "release", repository.release(claim, now));
        } else if (job.attempts() >= claim.maxAttempts()) {
            log.error("Job {} ({}) failed its last attempt ({} of {}); giving up", job.id(), job.kind(),
                    job.attempts(), claim.maxAttempts(), failure);
            record(claim, "failure", repository.fail(claim, describe(failure), now));
        } else {
            long delay = backoff.delayMillis(job.attempts(), ThreadLocalRandom.current());
            log.warn("Job {} ({}) failed attempt {} of {}; next try in {} ms: {}", job.id(), job.kind(),
                    job.attempts(), claim.maxAttempts(), delay, failure.toString());
            record(claim, "retry", repository.retry(claim, describe(failure), now + delay, now));
        }
    }

    private static void record(JobRepository.Claim claim, String outcome, boolean recorded) {
        if (!recorded) {
            log.warn("Job {} ({}) ran past its lease and was handed to another worker; this run's {} is not recorded",
                    claim.job().id(), claim.job().kind(), outcome);
        }
    }

    /** Renews this process's leases, takes back expired ones, and names kinds no handler here serves. */
    private void keep() {
        long now = System.currentTimeMillis();
        long leaseUntil = now + config.lease().toMillis();
        for (JobRepository.Claim claim : inFlight.values()) {
            if (!repository.renew(claim, leaseUntil) && inFlight.get(claim.job().id()) == claim) {
                log.warn("Job {} ({}) lost its lease while running; another worker may run it too",
                        claim.job().id(), claim.job().kind());
            }
        }
        int reclaimed = repository.reclaimExpired(now, "lease expired at " + Instant.ofEpochMilli(now)
                + ": the process running the job stopped or stalled");
        if (reclaimed > 0) {
            log.warn("Took back {} jobs whose lease expired (their process stopped or stalled)", reclaimed);
            wake();
        }
        for (String kind : repository.queuedKinds()) {
            if (!handlers.containsKey(kind)) {
                logUnhandled(kind);
            }
        }
    }

    private void logUnhandled(String kind) {
        if (unhandledKindsLogged.add(kind)) {
            log.warn("No handler for jobs of kind '{}' in this process; they stay queued until a process with one runs them", kind);
        }
    }

    private void wakeAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wake();
                }
            });
        } else {
            wake();
        }
    }

    private void wake() {
        synchronized (signal) {
            signals++;
            signal.notifyAll();
        }
    }

    private long signalCount() {
        synchronized (signal) {
            return signals;
        }
    }

    /** Waits for {@code timeout}, or less if a job was enqueued here since {@code seen} or the queue stops. */
    private void idle(long seen, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            long left;
            while (running && signals == seen && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    return; // shutdown: the loop sees running is false
                }
            }
        }
    }

    static void requireJson(String kind, String payload) {
        if (payload == null) {
            throw new IllegalArgumentException("A job of kind '" + kind + "' needs a JSON payload, not null");
        }
        try {
            JsonBodies.JSON.readTree(payload);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("The payload of a job of kind '" + kind + "' is not valid JSON", e);
        }
    }

    private static String describe(Throwable e) {
        String text = e.toString();
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS);
    }
}
