package dev.cairn.limits;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Buckets in this process's memory. One lock guards them all: a decision is a few map lookups and
 * sums (well under a microsecond), so at thousands of requests per second the lock is rarely
 * contended, and one lock makes a request's check-and-take over several buckets trivially atomic.
 * Full buckets are dropped from the map now and then, since a missing bucket reads as full.
 */
final class LocalBuckets implements BucketStore {

    private static final int SWEEP_EVERY = 4096;

    private final LongSupplier clockMicros;
    private final ReentrantLock lock = new ReentrantLock();
    /** Bucket id to its {@code tat}; guarded by {@link #lock}. */
    private final Map<String, Double> tats = new HashMap<>();
    private int untilSweep = SWEEP_EVERY;

    LocalBuckets() {
        this(() -> TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
    }

    /** With a clock in microseconds (monotonic; its origin does not matter). */
    LocalBuckets(LongSupplier clockMicros) {
        this.clockMicros = clockMicros;
    }

    @Override
    public List<Level> take(List<Draw> draws) {
        lock.lock();
        try {
            double now = clockMicros.getAsLong();
            List<Level> levels = new ArrayList<>(draws.size());
            boolean admitted = true;
            for (Draw draw : draws) {
                long wait = BucketMath.wait(draw.bucket(), tat(draw.bucket(), now), now, draw.amount());
                admitted &= wait == 0;
                levels.add(new Level(draw.bucket(), 0, 0, wait));
            }
            for (int i = 0; i < draws.size(); i++) {
                Draw draw = draws.get(i);
                double tat = tat(draw.bucket(), now);
                if (admitted) {
                    tat = BucketMath.use(draw.bucket(), tat, now, draw.amount());
                    tats.put(draw.bucket().id(), tat);
                }
                levels.set(i, BucketMath.level(draw.bucket(), tat, now, levels.get(i).waitMicros()));
            }
            sweepNowAndThen(now);
            return levels;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void use(List<Draw> draws) {
        lock.lock();
        try {
            double now = clockMicros.getAsLong();
            for (Draw draw : draws) {
                tats.put(draw.bucket().id(), BucketMath.use(draw.bucket(), tat(draw.bucket(), now), now, draw.amount()));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Level> peek(List<Bucket> buckets) {
        lock.lock();
        try {
            double now = clockMicros.getAsLong();
            List<Level> levels = new ArrayList<>(buckets.size());
            for (Bucket bucket : buckets) {
                levels.add(BucketMath.level(bucket, tat(bucket, now), now, 0));
            }
            return levels;
        } finally {
            lock.unlock();
        }
    }

    /** Drops these buckets (they read as full from now on); returns how many were held. */
    int remove(List<String> ids) {
        lock.lock();
        try {
            int removed = 0;
            for (String id : ids) {
                removed += tats.remove(id) != null ? 1 : 0;
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** How many buckets are held (tests). */
    int size() {
        lock.lock();
        try {
            return tats.size();
        } finally {
            lock.unlock();
        }
    }

    private double tat(Bucket bucket, double now) {
        Double tat = tats.get(bucket.id());
        return tat == null ? now : tat;
    }

    private void sweepNowAndThen(double now) {
        if (--untilSweep > 0) {
            return;
        }
        untilSweep = SWEEP_EVERY;
        tats.values().removeIf(tat -> tat <= now);
    }
}
