package dev.cairn.bench;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Thread-safe tallies for one run. Latencies of 200 answers go into an HdrHistogram
 * {@link Recorder} (wait-free for the event-loop threads that record); anything else is counted
 * by kind and kept out of the histogram, so a fast error can never flatter the percentiles.
 *
 * <p>With a bucket width, each measured request is also tallied in the bucket of its intended send
 * time (the open loop's due time, the closed loop's start), for a time series of the window.
 */
final class LatencyStats {

    /** Counts plus latencies of one measurement window; {@code buckets} empty without a series. */
    record Window(Histogram latency, Histogram sendLag, Map<String, Long> failures, long elapsedNanos,
                  long windowStartEpochMillis, long bucketMillis, NavigableMap<Long, Bucket> buckets) {
    }

    /** One slice of the series: its answers' latencies and its failures, by the epoch millisecond it starts at. */
    record Bucket(Histogram latency, long failed) {
    }

    private static final class LiveBucket {
        final Recorder latency = new Recorder(3);
        final LongAdder failed = new LongAdder();
    }

    private final Recorder latency = new Recorder(3);
    private final Recorder sendLag = new Recorder(3);
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final long bucketNanos;
    /** One instant read on both clocks: the series' epoch times are derived from nanoTime through it. */
    private final long originNanos = System.nanoTime();
    private final long originEpochMillis = System.currentTimeMillis();
    private final Map<Long, LiveBucket> buckets = new ConcurrentHashMap<>();
    private volatile long windowStart = originNanos;

    LatencyStats() {
        this(0);
    }

    LatencyStats(long bucketMillis) {
        this.bucketNanos = bucketMillis * 1_000_000;
    }

    void success(long latencyNanos) {
        latency.recordValue(Math.max(0, latencyNanos));
    }

    /** A 200 answer of the measured window whose request was due at {@code intendedNanos}. */
    void success(long latencyNanos, long intendedNanos) {
        success(latencyNanos);
        if (bucketNanos > 0) {
            bucket(intendedNanos).latency.recordValue(Math.max(0, latencyNanos));
        }
    }

    /** How late the open loop actually started a request compared with its intended time. */
    void sendLag(long lagNanos) {
        sendLag.recordValue(Math.max(0, lagNanos));
    }

    void failure(String kind) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void failure(String kind, long intendedNanos) {
        failure(kind);
        if (bucketNanos > 0) {
            bucket(intendedNanos).failed.increment();
        }
    }

    private LiveBucket bucket(long intendedNanos) {
        return buckets.computeIfAbsent(Math.floorDiv(intendedNanos - originNanos, bucketNanos), i -> new LiveBucket());
    }

    /** Drops everything seen so far (the warm-up) and starts the measured window. */
    void startWindow() {
        latency.getIntervalHistogram();
        sendLag.getIntervalHistogram();
        failures.values().forEach(LongAdder::reset);
        buckets.clear();
        windowStart = System.nanoTime();
    }

    /** Starts the measured window at a set time (the open loop's first measured due time), dropping nothing. */
    void windowStartsAt(long nanos) {
        windowStart = nanos;
    }

    Window endWindow() {
        long elapsed = System.nanoTime() - windowStart;
        Map<String, Long> counted = new TreeMap<>();
        failures.forEach((kind, count) -> {
            if (count.sum() > 0) {
                counted.put(kind, count.sum());
            }
        });
        NavigableMap<Long, Bucket> series = new ConcurrentSkipListMap<>();
        long bucketMillis = bucketNanos / 1_000_000;
        buckets.forEach((index, live) -> series.put(originEpochMillis + index * bucketMillis,
                new Bucket(live.latency.getIntervalHistogram(), live.failed.sum())));
        long windowStartEpoch = originEpochMillis + (windowStart - originNanos) / 1_000_000;
        return new Window(latency.getIntervalHistogram(), sendLag.getIntervalHistogram(), counted, elapsed,
                windowStartEpoch, bucketMillis, series);
    }
}
