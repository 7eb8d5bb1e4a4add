package dev.cairn.platform;

/**
 * Marks the threads that write what must not be lost (the audit sequencer, the usage ledger, the
 * memory turn writer, every {@link BatchWriter}): the database hands them connections from a pool of
 * their own ({@code cairn.db.writer-pool-size}), so that they never queue for a connection behind
 * request threads, however many requests are waiting. Only threads started here are on the lane;
 * request threads never are, so they cannot take the writers' connections either.
 */
public final class WriterLane {

    private static final ThreadLocal<Boolean> ON_LANE = ThreadLocal.withInitial(() -> false);

    private WriterLane() {
    }

    /** Starts a platform thread on the writers' lane. */
    public static Thread start(String name, boolean daemon, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(daemon).start(() -> {
            ON_LANE.set(true);
            body.run();
        });
    }

    /** Whether the calling thread is one of the writers. */
    public static boolean current() {
        return ON_LANE.get();
    }
}
