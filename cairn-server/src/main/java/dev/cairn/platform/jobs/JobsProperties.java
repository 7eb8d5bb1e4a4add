package dev.cairn.platform.jobs;

import java.time.Duration;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The background job queue ({@code cairn.jobs}): {@code workers} threads per process (0: this
 * process only enqueues) claim due jobs of short kinds, and {@code long-workers} threads those of
 * long kinds ({@link JobHandler#isLong()}), so a long job never holds up a short one. A failed job runs again after {@code backoff}, doubled at
 * each failure up to {@code max-backoff}, until it has run {@code max-attempts} times. A claim holds
 * a job for {@code lease}, renewed while it runs, so a job of a process that died is claimed again
 * once its lease has expired. At shutdown running jobs get {@code shutdown-timeout} to finish.
 * {@code schedules-enabled} false leaves the {@link JobSchedule}s to other processes on the database.
 */
@ConfigurationProperties("cairn.jobs")
public record JobsProperties(@DefaultValue("1") int workers,
                             @DefaultValue("1") int longWorkers,
                             @DefaultValue("250ms") Duration pollInterval,
                             @DefaultValue("1s") Duration backoff,
                             @DefaultValue("5m") Duration maxBackoff,
                             @DefaultValue("8") int maxAttempts,
                             @DefaultValue("5m") Duration lease,
                             @DefaultValue("15s") Duration shutdownTimeout,
                             @DefaultValue("true") boolean schedulesEnabled) {

    public JobsProperties {
        Settings.atLeast("cairn.jobs.workers", workers, 0);
        Settings.atLeast("cairn.jobs.long-workers", longWorkers, 0);
        Settings.atLeast("cairn.jobs.max-attempts", maxAttempts, 1);
        millisecond("cairn.jobs.poll-interval", pollInterval);
        millisecond("cairn.jobs.backoff", backoff);
        millisecond("cairn.jobs.lease", lease);
        millisecond("cairn.jobs.max-backoff", maxBackoff);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw Settings.invalid("cairn.jobs.max-backoff", "(" + maxBackoff + ") must not be shorter than cairn.jobs.backoff ("
                    + backoff + ")");
        }
        if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
            throw Settings.invalid("cairn.jobs.shutdown-timeout", "must not be negative, not " + shutdownTimeout);
        }
    }

    /** The queue schedules in whole milliseconds, so anything shorter would be zero. */
    private static void millisecond(String key, Duration value) {
        if (value == null || value.toMillis() < 1) {
            throw Settings.invalid(key, "must be at least 1ms, not " + value);
        }
    }
}
