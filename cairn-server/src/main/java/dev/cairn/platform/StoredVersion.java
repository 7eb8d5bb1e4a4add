package dev.cairn.platform;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * Settings admins store in the database, held in memory so that requests never wait for it: loaded
 * at start, reloaded at once after a change this process makes ({@link #refresh}), and within one
 * interval after a change another process sharing the database makes (each tick reads one version
 * number and loads the whole only when it moved). While the database cannot be read, what was last
 * loaded stays in force, and the outage is logged once, not every tick.
 *
 * @param <T> the loaded settings, which carry the version they were loaded at
 */
public final class StoredVersion<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoredVersion.class);

    private final String what;
    private final LongSupplier version;
    private final Supplier<T> load;
    private final ToLongFunction<T> versionOf;
    private final PeriodicTask poller;
    private volatile T current;
    private boolean failing;

    /**
     * Loads now and polls every {@code interval} on a thread named {@code thread}; {@code what} names
     * the settings in the log ("guard policies set by admins").
     */
    public StoredVersion(String thread, String what, Duration interval, LongSupplier version, Supplier<T> load,
                         ToLongFunction<T> versionOf) {
        this.what = what;
        this.version = version;
        this.load = load;
        this.versionOf = versionOf;
        this.current = load.get();
        this.poller = PeriodicTask.start(thread, interval, interval, this::refresh);
    }

    public T current() {
        return current;
    }

    /**
     * Loads again if the version moved. Synchronized, so a refresh that began before a change was
     * committed cannot finish after, and overwrite, the one that began after it.
     */
    public synchronized void refresh() {
        try {
            if (version.getAsLong() != versionOf.applyAsLong(current)) {
                current = load.get();
            }
            if (failing) {
                log.info("The {} are read from the database again", what);
                failing = false;
            }
        } catch (DataAccessException e) {
            if (!failing) {
                log.warn("Cannot read the {}; the ones loaded at version {} stay in force", what, versionOf.applyAsLong(current), e);
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        poller.close();
    }
}
