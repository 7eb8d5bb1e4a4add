package dev.cairn.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Thread-safe tallies for one run. Latencies of 200 answers go into an HdrHistogram
 * {@link Recorder} (wait-free for the event-loop threads that record); anything else is counted
 * by kind and kept out of the histogram, so a fast error can never flatter the percentiles.
 */
final class LatencyStats {

    /** Counts plus latencies of one measurement window. */
    record Window(Histogram latency, Histogram sendLag, Map<String, Long> failures, long elapsedNanos) {
    }

    private final Recorder latency = new Recorder(3);
    private final Recorder sendLag = new Recorder(3);
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile long windowStart = System.nanoTime();

    void success(long latencyNanos) {
        latency.recordValue(Math.max(0, latencyNanos));
    }

    /** How late the open loop actually started a request compared with its intended time. */
    void sendLag(long lagNanos) {
        sendLag.recordValue(Math.max(0, lagNanos));
    }

    void failure(String kind) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Drops everything seen so far (the warm-up) and starts the measured window. */
    void startWindow() {
        latency.getIntervalHistogram();
        sendLag.getIntervalHistogram();
        failures.values().forEach(LongAdder::reset);
        windowStart = System.nanoTime();
    }

    Window endWindow() {
        long elapsed = System.nanoTime() - windowStart;
        Map<String, Long> counted = new TreeMap<>();
        failures.forEach((kind, count) -> {
            if (count.sum() > 0) {
                counted.put(kind, count.sum());
            }
        });
        return new Window(latency.getIntervalHistogram(), sendLag.getIntervalHistogram(), counted, elapsed);
    }
}
