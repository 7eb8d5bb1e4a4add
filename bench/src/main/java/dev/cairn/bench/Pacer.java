package dev.cairn.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives the open loop from a dedicated platform thread: request i is due at
 * {@code start + i / rate}, whatever happened to earlier requests. If the pacer itself falls
 * behind it sends the overdue requests at once; their latency still counts from the due time.
 */
final class Pacer implements Runnable {

    private final List<Lane> lanes;
    private final long periodNanos;
    private final long startNanos;
    private final long windowStartNanos;
    private final long endNanos;
    private final AtomicBoolean running;

    Pacer(List<Lane> lanes, int rate, long startNanos, long windowStartNanos, long endNanos, AtomicBoolean running) {
        this.lanes = lanes;
        this.periodNanos = 1_000_000_000L / rate;
        this.startNanos = startNanos;
        this.windowStartNanos = windowStartNanos;
        this.endNanos = endNanos;
        this.running = running;
    }

    @Override
    public void run() {
        for (long i = 0; running.get(); i++) {
            long due = startNanos + i * periodNanos;
            if (due - endNanos >= 0) {
                return;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            lanes.get((int) (i % lanes.size())).sendScheduled(due, windowStartNanos);
        }
    }
}
