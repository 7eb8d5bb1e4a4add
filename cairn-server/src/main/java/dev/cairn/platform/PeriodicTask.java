package dev.cairn.platform;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background job run on its own daemon thread at a fixed delay after each run ends. A failing
 * run is logged and the job keeps its schedule: background work must not die of one bad moment.
 */
public final class PeriodicTask implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final ScheduledExecutorService scheduler;

    private PeriodicTask(String threadName, Duration firstDelay, Duration delay, Runnable task) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name(threadName).daemon().unstarted(r));
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Background job {} failed; it runs again in {}", threadName, delay, e);
            }
        }, firstDelay.toMillis(), Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    public static PeriodicTask start(String threadName, Duration firstDelay, Duration delay, Runnable task) {
        return new PeriodicTask(threadName, firstDelay, delay, task);
    }

    /** Stops the schedule and interrupts a run in progress. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
