package dev.cairn.platform.jobs;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a failed job waits before its next run: {@code base} after the first failure, doubled
 * after each further one, at most {@code max}, and up to a quarter less at random, so that jobs that
 * failed together (an upstream was down) do not all come back in the same instant.
 */
record Backoff(Duration base, Duration max) {

    long delayMillis(int failures, RandomGenerator random) {
        // In floating point, so that many failures saturate at max instead of overflowing a shift.
        double doubled = base.toMillis() * Math.pow(2, Math.max(0, failures - 1));
        long delay = (long) Math.min(max.toMillis(), doubled);
        return delay - random.nextLong(delay / 4 + 1);
    }
}
