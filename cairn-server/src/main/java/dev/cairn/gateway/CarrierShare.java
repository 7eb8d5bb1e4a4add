package dev.cairn.gateway;

import java.util.concurrent.locks.LockSupport;

/**
 * Makes a long stretch of work on a virtual thread give its carrier up now and then. Requests run
 * on virtual threads, which the JDK never preempts: a stream whose client reads as fast as it is
 * written (a large answer over loopback) never blocks, so it would keep its carrier thread, one of
 * as many as there are cores, for as long as it runs, and with two such streams on two cores not
 * even {@code /health/live} gets to run. After each {@link #SLICE_NANOS} of work the writer parks
 * for a nanosecond: it leaves its carrier, and the timer hands it back to the scheduler's queue
 * behind the requests that were waiting. {@link Thread#yield()} does not do that: on JDK 25 a
 * virtual thread that yields with nothing in its carrier's own queue is run again at once (the
 * probe in bench/heavy-clients.sh waited seconds with it). A writer that blocks on a slow client
 * gives its carrier up anyway; the extra park costs some microseconds, once per slice.
 */
final class CarrierShare {

    /** Long enough that a normal stream never yields; short against the 100 ms a health probe may wait. */
    static final long SLICE_NANOS = 2_000_000;

    private long sliceStart = System.nanoTime();

    /** Called between two pieces of work; yields when the current slice is used up. */
    void checkpoint() {
        long now = System.nanoTime();
        if (now - sliceStart >= SLICE_NANOS) {
            LockSupport.parkNanos(1);
            sliceStart = System.nanoTime();
        }
    }
}
