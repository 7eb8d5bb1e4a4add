package dev.cairn.limits;

/**
 * The arithmetic of a bucket, as a generic cell rate algorithm: a bucket's whole state is one
 * number, {@code tat}, the time (in microseconds) at which it will be full again. Taking {@code n}
 * units moves it {@code n} intervals later; time passing refills it; a bucket never seen is full.
 * Sums are in units with a tolerance of {@link #EPSILON}, so a limit that does not divide its window
 * evenly (7 per minute) still admits exactly 7 in a burst despite rounding. {@code RedisBuckets}'s
 * Lua script does the same sums; tests hold the two to the same answers.
 */
final class BucketMath {

    static final double EPSILON = 1e-6;

    private BucketMath() {
    }

    /** Units the bucket holds at {@code now}, fractional. */
    static double available(Bucket bucket, double tat, double now) {
        return bucket.limit() - Math.max(0, tat - now) / bucket.interval();
    }

    /** Microseconds until {@code amount} units are there; 0 when they are now. */
    static long wait(Bucket bucket, double tat, double now, long amount) {
        double missing = amount - available(bucket, tat, now);
        return missing <= EPSILON ? 0 : (long) Math.ceil(missing * bucket.interval());
    }

    /**
     * The state after adding {@code amount} units of use (negative: giving units back). Use may go
     * past the limit, as when a request turns out to have cost more than it was admitted for; the
     * bucket then stays empty longer. Giving back never fills it beyond full.
     */
    static double use(Bucket bucket, double tat, double now, long amount) {
        return Math.max(Math.max(tat, now) + amount * bucket.interval(), now);
    }

    static Level level(Bucket bucket, double tat, double now, long wait) {
        long remaining = (long) Math.floor(available(bucket, tat, now) + EPSILON);
        long reset = (long) Math.ceil(Math.max(0, tat - now));
        return new Level(bucket, Math.max(0, Math.min(bucket.limit(), remaining)), reset, wait);
    }
}
