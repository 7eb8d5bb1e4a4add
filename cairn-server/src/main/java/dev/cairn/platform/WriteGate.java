package dev.cairn.platform;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets this process's busiest writers (the audit sequencer, the usage ledger, the WAL checkpointer)
 * take turns on a database that allows one writer at a time. On SQLite, two writers that meet
 * otherwise find out through SQLITE_BUSY and retry after a pause, which puts milliseconds on every
 * request waiting for the audit commit behind them; a fair lock hands the database over at once.
 * On PostgreSQL the gate is open: its writers commit side by side.
 */
public final class WriteGate {

    /** The gate of a database with concurrent writers: holding it costs nothing and excludes no one. */
    public static final WriteGate OPEN = new WriteGate(null);

    /** What {@link #hold()} returns; closing it lets the next writer in. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final Held NOTHING_HELD = () -> { };

    private final ReentrantLock lock;

    private WriteGate(ReentrantLock lock) {
        this.lock = lock;
    }

    /** A gate that admits one writer at a time, in the order they came. */
    public static WriteGate oneAtATime() {
        return new WriteGate(new ReentrantLock(true));
    }

    public static WriteGate of(Dialect dialect) {
        return dialect == Dialect.SQLITE ? oneAtATime() : OPEN;
    }

    /** Waits for the gate; hold it for one transaction, in a try-with-resources block. */
    public Held hold() {
        if (lock == null) {
            return NOTHING_HELD;
        }
        lock.lock();
        return lock::unlock;
    }
}
