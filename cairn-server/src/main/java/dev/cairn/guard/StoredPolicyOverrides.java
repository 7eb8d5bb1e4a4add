package dev.cairn.guard;

import java.time.Duration;

import dev.cairn.platform.PeriodicTask;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The admin layer as stored in the database, kept in memory so the guard never waits for it: loaded
 * at start, reloaded at once after a change this process makes, and reloaded within
 * {@link #REFRESH_INTERVAL} after a change another process sharing the database makes (each tick
 * reads one version number and loads the rules only when it moved). While the database cannot be
 * read, the rules last loaded stay in force.
 */
@Component
class StoredPolicyOverrides implements PolicyOverrides {

    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(StoredPolicyOverrides.class);

    private final GuardPolicyRepository repository;
    private final PeriodicTask poller;
    private volatile Snapshot current;
    /** Whether the last refresh failed, so that an outage is logged once rather than every tick. */
    private boolean failing;

    @Autowired
    StoredPolicyOverrides(GuardPolicyRepository repository) {
        this(repository, REFRESH_INTERVAL);
    }

    StoredPolicyOverrides(GuardPolicyRepository repository, Duration refreshInterval) {
        this.repository = repository;
        this.current = repository.load();
        this.poller = PeriodicTask.start("cairn-guard-policies", refreshInterval, refreshInterval, this::refresh);
    }

    @Override
    public Snapshot current() {
        return current;
    }

    /**
     * Loads the rules if their version moved. Synchronized, so a refresh that began before a change
     * was committed cannot finish after, and overwrite, the one that began after it.
     */
    synchronized void refresh() {
        try {
            if (repository.version() != current.version()) {
                current = repository.load();
            }
            if (failing) {
                log.info("Guard policies are read from the database again");
                failing = false;
            }
        } catch (DataAccessException e) {
            if (!failing) {
                log.warn("Cannot read the guard policies set by admins; the ones loaded at version {} stay in force",
                        current.version(), e);
                failing = true;
            }
        }
    }

    @PreDestroy
    void close() {
        poller.close();
    }
}
